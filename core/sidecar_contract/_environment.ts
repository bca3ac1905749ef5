/** The environment the host starts a bottle's sidecar with, written from the contract's table. */
import { SIDECAR_FILES, SIDECAR_MOUNTS } from "./_layout.ts";
import { SIDECAR_DNS_PORT, SIDECAR_PORTS } from "./_endpoints.ts";
import { SIDECAR_ENV } from "./_variables.ts";

/** The daemons a sidecar can run. */
export const DAEMON_NAMES = Object.freeze(["egress", "supervise", "git-gate"] as const);

/** A daemon's name. */
export type DaemonName = typeof DAEMON_NAMES[number];

/**
 * What every sidecar process needs on a read-only root filesystem: Deno's cache and `HOME` on
 * the writable `/tmp`.
 */
export const SIDECAR_RUNTIME_ENV = Object.freeze({ DENO_DIR: "/tmp/deno", HOME: "/tmp" });

/** What decides a sidecar's environment. */
export interface SidecarEnvironmentOptions {
  /** The daemons to run. */
  daemons: readonly DaemonName[];
  /** The bottle's slug. */
  slug: string;
  /** The bottle's internal network, where every daemon listens (and nowhere else). */
  listenSubnet: string;
  /** Whether the host wrote an extra upstream CA into the egress directory. */
  upstreamCa: boolean;
  /** `HOST:PORT=IP:PORT` mappings (validated by the host). */
  connectTo: readonly string[];
  /** Operator timeouts the host passes on, seconds by variable name. */
  timeouts: Readonly<Record<string, number>>;
}

/**
 * The sidecar's environment, secrets excluded (they travel by name, never as values here).
 *
 * @param options The bottle's daemons and settings.
 * @returns Variable names and values, in a stable order.
 */
export function sidecarEnvironment(options: SidecarEnvironmentOptions): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (setting: { name: string }, value: string) => {
    env[setting.name] = value;
  };
  set(SIDECAR_ENV.daemons, options.daemons.join(","));
  set(SIDECAR_ENV.egressRoutes, `${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.routes}`);
  set(SIDECAR_ENV.egressCaDir, `${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.caDir}`);
  set(SIDECAR_ENV.egressListen, `0.0.0.0:${SIDECAR_PORTS.egress}`);
  set(SIDECAR_ENV.egressListenSubnet, options.listenSubnet);
  set(SIDECAR_ENV.egressDnsListen, `0.0.0.0:${SIDECAR_DNS_PORT}`);
  set(SIDECAR_ENV.superviseListen, `0.0.0.0:${SIDECAR_PORTS.supervise}`);
  set(SIDECAR_ENV.superviseListenSubnet, options.listenSubnet);
  set(SIDECAR_ENV.queueDir, SIDECAR_MOUNTS.queue);
  set(SIDECAR_ENV.slug, options.slug);
  Object.assign(env, SIDECAR_RUNTIME_ENV);
  if (options.upstreamCa) {
    set(SIDECAR_ENV.egressUpstreamCa, `${SIDECAR_MOUNTS.egress}/${SIDECAR_FILES.upstreamCa}`);
  }
  if (options.connectTo.length > 0) set(SIDECAR_ENV.egressConnectTo, options.connectTo.join(","));
  if (options.daemons.includes("git-gate")) {
    set(SIDECAR_ENV.gitGateConfigDir, SIDECAR_MOUNTS.gitGate);
    set(SIDECAR_ENV.gitGateMirrorDir, SIDECAR_MOUNTS.gitMirrors);
    set(SIDECAR_ENV.gitGateListen, `0.0.0.0:${SIDECAR_PORTS.gitGate}`);
    set(SIDECAR_ENV.gitGateListenSubnet, options.listenSubnet);
  }
  for (const [name, seconds] of Object.entries(options.timeouts)) env[name] = String(seconds);
  return env;
}
