/**
 * The supervise daemon inside the sidecar (SPEC §6.3): the MCP server the agent asks for changes
 * through. It holds no secrets (no `EGRESS_TOKEN_*`, no canary) and runs no programs; it reads the
 * live routes file and writes proposals into the bottle's queue directory. Like egress it listens
 * only on the bottle's internal network when given that network's subnet, never on the egress
 * network that reaches the host.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import {
  type Environment,
  type HostPort,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
  type SidecarVariable,
  type Subnet,
} from "../../core/sidecar_contract/mod.ts";
import type { DaemonIo } from "./_daemon_io.ts";
import { listenAddress } from "./_listen_subnet.ts";
import type { DaemonPermissions } from "./_permissions.ts";
import { serveUntilStopped } from "./_until_stopped.ts";

/** The supervise daemon's settings, read from the environment (`core/sidecar_contract`). */
export interface SuperviseConfig {
  /** `BOT_BOTTLE_EGRESS_ROUTES`: the live routes file `list-egress-routes` shows. */
  routesFile: string;
  /** `BOT_BOTTLE_SUPERVISE_LISTEN`: where the server listens. */
  listen: HostPort;
  /** `BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET`: listen on this container's address in that subnet. */
  listenSubnet?: Subnet;
  /** `BOT_BOTTLE_QUEUE_DIR`: the bottle's queue directory. */
  queueDir: string;
  /** `BOT_BOTTLE_SLUG`: the bottle's slug. */
  bottleSlug: string;
  /** `SUPERVISE_RESPONSE_TIMEOUT_SECONDS` (default 30), in milliseconds. */
  responseTimeoutMs: number;
}

/** The variables supervise reads that the common allowlist does not carry. */
export const SUPERVISE_ENV_NAMES: readonly string[] = Object.freeze([
  SIDECAR_ENV.superviseResponseTimeout.name,
]);

/** A setting the supervise daemon cannot run without: it fails closed. */
function required<T>(env: Environment, setting: SidecarVariable<T>): T {
  const value = readSetting(env, setting);
  if (value === undefined) {
    throw new ConfigError(`${setting.name} must be set for the supervise daemon`);
  }
  return value;
}

/**
 * Read the supervise daemon's settings.
 *
 * @param env The daemon's (or the init process's) environment.
 * @returns The settings, defaults applied.
 * @throws {ConfigError} When the queue directory or slug is missing (it fails closed: without a
 *   queue no proposal could reach the operator), for a relative path, a malformed listen address,
 *   subnet, slug or timeout.
 */
export function superviseConfig(env: Environment): SuperviseConfig {
  const queueDir = required(env, SIDECAR_ENV.queueDir);
  const bottleSlug = required(env, SIDECAR_ENV.slug);
  const subnet = readSetting(env, SIDECAR_ENV.superviseListenSubnet);
  return {
    routesFile: settingOrDefault(env, SIDECAR_ENV.egressRoutes),
    listen: settingOrDefault(env, SIDECAR_ENV.superviseListen),
    ...(subnet === undefined ? {} : { listenSubnet: subnet }),
    queueDir,
    bottleSlug,
    responseTimeoutMs: settingOrDefault(env, SIDECAR_ENV.superviseResponseTimeout) * 1000,
  };
}

/**
 * What the supervise daemon may do: the network, read the routes file, read and write the queue.
 *
 * @param config Its settings.
 * @returns Its permissions.
 */
export function supervisePermissions(config: SuperviseConfig): DaemonPermissions {
  return {
    read: [config.routesFile, config.queueDir],
    write: [config.queueDir],
    net: true,
    env: true,
    // Finding its own address in the subnet needs the interface list; nothing else does.
    sys: config.listenSubnet === undefined ? [] : ["networkInterfaces"],
    run: [],
  };
}

/**
 * Serve the supervise MCP server until SIGTERM or SIGINT (SIGHUP is not for this daemon).
 *
 * @param env The daemon's environment.
 * @param io Log sink and signals.
 * @returns 0 after a clean shutdown.
 * @throws {ConfigError} For bad settings, or no interface in the listen subnet.
 */
export async function runSuperviseDaemon(env: Environment, io: DaemonIo): Promise<number> {
  const config = superviseConfig(env);
  // Loaded here, not at the top: the init process and the other daemons never evaluate it.
  const { startSuperviseServer } = await import("../supervise/mod.ts");
  return await serveUntilStopped(io, () =>
    startSuperviseServer({
      routesFile: config.routesFile,
      queueDir: config.queueDir,
      bottleSlug: config.bottleSlug,
      responseTimeoutMs: config.responseTimeoutMs,
      listen: listenAddress(
        config.listen,
        config.listenSubnet,
        SIDECAR_ENV.superviseListenSubnet,
      ),
      log: io.log,
    }));
}
