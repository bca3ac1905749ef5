/**
 * The agent's side of the contract: the environment that sends every client through the sidecar
 * and makes it trust the bottle CA. Every backend gives the agent exactly this.
 */
import { proxyUrl, SIDECAR_HOST } from "./_endpoints.ts";
import { AGENT_FILES, AGENT_MOUNTS, AGENT_SYSTEM_CA_BUNDLE } from "./_layout.ts";

/** The variable that tells the agent where the supervise MCP server is. */
export const SUPERVISE_URL_VARIABLE = "MCP_SUPERVISE_URL";

/**
 * The agent's proxy, CA and gitconfig variables (no secrets), and, in a bottle with supervise,
 * where its MCP server is.
 *
 * @param options The supervise server's URL as the backend gives it, when the bottle has one.
 * @returns Names and values.
 */
export function agentEnvironment(options: { superviseUrl?: string } = {}): Record<string, string> {
  const proxy = proxyUrl();
  // The sidecar itself is no upstream: supervise's long polls and the git gate must never go
  // through egress (which refuses every push).
  const noProxy = `localhost,127.0.0.1,::1,${SIDECAR_HOST}`;
  const caCert = `${AGENT_MOUNTS.ca}/${AGENT_FILES.caCert}`;
  return {
    HTTP_PROXY: proxy,
    HTTPS_PROXY: proxy,
    http_proxy: proxy,
    https_proxy: proxy,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    NODE_EXTRA_CA_CERTS: caCert,
    SSL_CERT_FILE: AGENT_SYSTEM_CA_BUNDLE,
    REQUESTS_CA_BUNDLE: AGENT_SYSTEM_CA_BUNDLE,
    GIT_SSL_CAINFO: AGENT_SYSTEM_CA_BUNDLE,
    CODEX_CA_CERTIFICATE: caCert,
    // Git (2.32+) reads this instead of /etc/gitconfig: identity and the rewrites to the gate.
    GIT_CONFIG_SYSTEM: `${AGENT_MOUNTS.git}/${AGENT_FILES.gitconfig}`,
    ...(options.superviseUrl === undefined
      ? {}
      : { [SUPERVISE_URL_VARIABLE]: options.superviseUrl }),
  };
}
