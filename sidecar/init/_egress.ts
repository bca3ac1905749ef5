/**
 * The egress daemon inside the sidecar: its configuration comes from the environment (set by the
 * backend at launch), it serves until SIGTERM or SIGINT, and SIGHUP re-reads the routes file (an
 * invalid file keeps the previous routes live; the proxy logs which happened).
 */
import { isIP } from "node:net";
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import { startEgressProxy } from "../egress/mod.ts";
import type { Environment } from "./_env.ts";
import { EventQueue } from "./_event_queue.ts";
import { listenAddress, parseListen, parseSubnet } from "./_listen_subnet.ts";
import { absolutePath, checkSlug, secondsSetting, setting } from "./_settings.ts";
import type { DaemonPermissions } from "./_permissions.ts";
import type { HandledSignal, SignalSource } from "./_signals.ts";

/** The egress daemon's settings, read from the environment. */
export interface EgressConfig {
  /** `BOT_BOTTLE_EGRESS_ROUTES`: the routes file, inside a bind-mounted directory. */
  routesFile: string;
  /** `BOT_BOTTLE_EGRESS_CA_DIR`: the bottle CA's directory. */
  caDir: string;
  /** `BOT_BOTTLE_EGRESS_LISTEN`: where the proxy listens. */
  listen: { hostname: string; port: number };
  /**
   * `BOT_BOTTLE_EGRESS_LISTEN_SUBNET`: listen on this container's address in that subnet (the
   * bottle's internal network) instead of `listen.hostname`.
   */
  listenSubnet?: { network: number; prefix: number };
  /** `BOT_BOTTLE_EGRESS_UPSTREAM_CA`: an extra PEM file trusted for upstream TLS. */
  upstreamCaFile?: string;
  /** `BOT_BOTTLE_QUEUE_DIR` + `BOT_BOTTLE_SLUG`: the operator queue for `supervise` matches. */
  queue?: { dir: string; bottleSlug: string; timeoutMs: number };
  /**
   * `BOT_BOTTLE_EGRESS_CONNECT_TO`: comma-separated `HOST:PORT=IP:PORT`, upstreams mapped to
   * test addresses by the operator (exempt from the private-address check, like `--connect-to`).
   */
  connectTo: Map<string, { address: string; port: number }>;
}

function parseConnectTo(value: string | undefined): EgressConfig["connectTo"] {
  const map: EgressConfig["connectTo"] = new Map();
  for (const item of (value ?? "").split(",").map((i) => i.trim()).filter((i) => i !== "")) {
    const match = /^([A-Za-z0-9.-]+):(\d{1,5})=(\[[0-9A-Fa-f:]+\]|[0-9.]+):(\d{1,5})$/.exec(item);
    const address = match?.[3]?.replace(/^\[|\]$/g, "") ?? "";
    const ports = [Number(match?.[2]), Number(match?.[4])];
    if (match === null || isIP(address) === 0 || ports.some((p) => !(p > 0 && p <= 65_535))) {
      throw new ConfigError(
        `BOT_BOTTLE_EGRESS_CONNECT_TO has "${item}", which is not HOST:PORT=IP:PORT ` +
          "(e.g. api.example.com:443=10.0.0.5:8443)",
      );
    }
    map.set(`${match[1]!.toLowerCase()}:${ports[0]}`, { address, port: ports[1]! });
  }
  return map;
}

function parseQueue(env: Environment): EgressConfig["queue"] {
  const dir = absolutePath(env, "BOT_BOTTLE_QUEUE_DIR");
  const bottleSlug = setting(env, "BOT_BOTTLE_SLUG");
  if (dir === undefined && bottleSlug === undefined) return undefined;
  if (dir === undefined || bottleSlug === undefined) {
    throw new ConfigError("BOT_BOTTLE_QUEUE_DIR and BOT_BOTTLE_SLUG must be set together");
  }
  return {
    dir,
    bottleSlug: checkSlug(bottleSlug),
    timeoutMs: secondsSetting(env, "EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS", 300),
  };
}

/**
 * Read the egress daemon's settings.
 *
 * @param env The daemon's (or the init process's) environment.
 * @returns The settings, defaults applied.
 * @throws {ConfigError} For a relative path, a malformed listen address, half a queue setting,
 *   a malformed slug or timeout.
 */
export function egressConfig(env: Environment): EgressConfig {
  const upstreamCaFile = absolutePath(env, "BOT_BOTTLE_EGRESS_UPSTREAM_CA");
  const queue = parseQueue(env);
  const subnet = setting(env, "BOT_BOTTLE_EGRESS_LISTEN_SUBNET");
  return {
    routesFile: absolutePath(env, "BOT_BOTTLE_EGRESS_ROUTES", "/state/egress/routes.yaml")!,
    caDir: absolutePath(env, "BOT_BOTTLE_EGRESS_CA_DIR", "/state/egress/ca")!,
    listen: parseListen(
      "BOT_BOTTLE_EGRESS_LISTEN",
      setting(env, "BOT_BOTTLE_EGRESS_LISTEN") ?? "0.0.0.0:9099",
      "0.0.0.0:9099",
    ),
    ...(subnet === undefined ? {} : { listenSubnet: parseSubnet(subnet) }),
    ...(upstreamCaFile === undefined ? {} : { upstreamCaFile }),
    ...(queue === undefined ? {} : { queue }),
    connectTo: parseConnectTo(setting(env, "BOT_BOTTLE_EGRESS_CONNECT_TO")),
  };
}

/**
 * What the egress daemon may do: network and its own files, no programs (it holds the tokens).
 *
 * @param config Its settings.
 * @returns Its permissions.
 */
export function egressPermissions(config: EgressConfig): DaemonPermissions {
  const queue = config.queue === undefined ? [] : [config.queue.dir];
  const upstreamCa = config.upstreamCaFile === undefined ? [] : [config.upstreamCaFile];
  return {
    // The system trust store (read at start for upstream TLS) lives under these two.
    read: [
      config.routesFile,
      config.caDir,
      ...upstreamCa,
      ...queue,
      "/etc/ssl",
      "/etc/ca-certificates",
    ],
    write: [config.caDir, ...queue],
    net: true,
    env: true,
    // The proxy refuses the host's own addresses, which it learns from the interfaces.
    sys: ["networkInterfaces"],
    run: [],
  };
}

/** Options of {@link runEgressDaemon}. */
export interface EgressDaemonOptions {
  /** Where the proxy's JSON log lines go (one call per line, without newline). */
  log: (line: string) => void;
  /** The signals to obey. */
  signals: SignalSource;
}

/**
 * Serve the egress proxy until SIGTERM or SIGINT; SIGHUP reloads the routes.
 *
 * @param env The daemon's environment: settings, `EGRESS_TOKEN_*`, `BOT_BOTTLE_CANARY`.
 * @param options Log sink and signals.
 * @returns 0 after a clean shutdown.
 * @throws {ConfigError} For bad settings or an unreadable upstream CA file.
 * @throws {ManifestError} When the routes file does not load.
 */
export async function runEgressDaemon(
  env: Environment,
  options: EgressDaemonOptions,
): Promise<number> {
  const config = egressConfig(env);
  const signals = new EventQueue<HandledSignal>();
  const unsubscribe = options.signals((signal) => signals.push(signal));
  try {
    const upstreamCa = config.upstreamCaFile === undefined
      ? undefined
      : await readUpstreamCa(config.upstreamCaFile);
    const proxy = await startEgressProxy({
      routesFile: config.routesFile,
      caDir: config.caDir,
      listen: listenAddress(config.listen, config.listenSubnet, "BOT_BOTTLE_EGRESS_LISTEN_SUBNET"),
      env,
      logSink: options.log,
      ...(upstreamCa === undefined ? {} : { upstreamCa }),
      ...(config.queue === undefined ? {} : { queue: config.queue }),
      ...(config.connectTo.size === 0 ? {} : { connectTo: config.connectTo }),
    });
    try {
      while (await signals.next() === "SIGHUP") await proxy.reload();
    } finally {
      await proxy.close();
    }
    return 0;
  } finally {
    unsubscribe();
  }
}

async function readUpstreamCa(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (err) {
    const reason = messageOf(err);
    throw new ConfigError(`BOT_BOTTLE_EGRESS_UPSTREAM_CA "${file}" cannot be read: ${reason}`, {
      cause: err,
    });
  }
}
