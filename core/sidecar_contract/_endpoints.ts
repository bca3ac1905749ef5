/**
 * How the agent reaches the sidecar: one host name, pinned by every backend, and one port per
 * daemon (SPEC §6).
 */

/** The name the agent resolves the sidecar by (the only peer it has). */
export const SIDECAR_HOST = "bot-bottle-sidecar";

/** The port of each sidecar daemon. */
export const SIDECAR_PORTS = Object.freeze(
  {
    /** The egress proxy (HTTP forward proxy with TLS interception). */
    egress: 9099,
    /** The supervise MCP server (streamable HTTP at `/mcp`). */
    supervise: 9100,
    /** The git gate's smart HTTP server. */
    gitGate: 9420,
  } as const,
);

/**
 * The DNS port (UDP) where egress refuses every name: the agent's resolver asks the sidecar, and
 * resolvers know no other port. Not among {@link SIDECAR_PORTS}, which are TCP and published.
 */
export const SIDECAR_DNS_PORT = 53;

/**
 * The egress proxy's URL as the agent sees it (`HTTP_PROXY`).
 *
 * @returns `http://bot-bottle-sidecar:9099`.
 */
export function proxyUrl(): string {
  return `http://${SIDECAR_HOST}:${SIDECAR_PORTS.egress}`;
}

/**
 * The supervise MCP server's URL as the agent sees it (`MCP_SUPERVISE_URL`).
 *
 * @returns `http://bot-bottle-sidecar:9100/mcp`.
 */
export function superviseUrl(): string {
  return `http://${SIDECAR_HOST}:${SIDECAR_PORTS.supervise}/mcp`;
}

/**
 * The URL the agent reaches a git-gate repo at.
 *
 * @param name The repo name (already validated).
 * @returns `http://bot-bottle-sidecar:9420/<name>.git`.
 */
export function gateUrl(name: string): string {
  return `http://${SIDECAR_HOST}:${SIDECAR_PORTS.gitGate}/${name}.git`;
}
