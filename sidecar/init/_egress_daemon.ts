/**
 * The egress daemon inside the sidecar: its configuration comes from the environment (set by the
 * backend at launch), it serves until SIGTERM or SIGINT, and SIGHUP re-reads the routes file (an
 * invalid file keeps the previous routes live; the proxy logs which happened).
 */
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import {
  type Environment,
  type HostPort,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
  type Subnet,
} from "../../core/sidecar_contract/mod.ts";
import type { OperatorQueue, UpstreamTimeouts } from "../egress/mod.ts";
import { type DnsRefuser, startDnsRefuser } from "../dns/mod.ts";
import { EventQueue } from "./_event_queue.ts";
import { listenAddress } from "./_listen_subnet.ts";
import type { DaemonPermissions } from "./_permissions.ts";
import type { DaemonIo } from "./_daemon_io.ts";
import type { HandledSignal } from "./_signals.ts";

/** The egress daemon's settings, read from the environment (`core/sidecar_contract`). */
export interface EgressConfig {
  /** `BOT_BOTTLE_EGRESS_ROUTES`: the routes file, inside a bind-mounted directory. */
  routesFile: string;
  /** `BOT_BOTTLE_EGRESS_CA_DIR`: the bottle CA's directory. */
  caDir: string;
  /** `BOT_BOTTLE_EGRESS_LISTEN`: where the proxy listens. */
  listen: HostPort;
  /**
   * `BOT_BOTTLE_EGRESS_LISTEN_SUBNET`: listen on this container's address in that subnet (the
   * bottle's internal network) instead of `listen.hostname`.
   */
  listenSubnet?: Subnet;
  /** `BOT_BOTTLE_EGRESS_DNS_LISTEN`: where to refuse every DNS query (in `listenSubnet` too). */
  dnsListen?: HostPort;
  /** `BOT_BOTTLE_EGRESS_UPSTREAM_CA`: an extra PEM file trusted for upstream TLS. */
  upstreamCaFile?: string;
  /** `BOT_BOTTLE_QUEUE_DIR` + `BOT_BOTTLE_SLUG`: the operator queue for `supervise` matches. */
  operator?: OperatorQueue;
  /**
   * `BOT_BOTTLE_EGRESS_CONNECT_TO`: upstreams mapped to test addresses by the operator (exempt
   * from the private-address check, like `--connect-to`), keyed by lowercase `host:port`.
   */
  connectTo: Map<string, { address: string; port: number }>;
  /**
   * `BOT_BOTTLE_SIDECAR_DAEMONS` names `supervise`: refusals may point the agent at its tools.
   */
  supervise: boolean;
  /**
   * `BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS`, `BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS`,
   * `BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS`: how long an upstream may keep the agent waiting.
   */
  upstreamTimeouts: UpstreamTimeouts;
}

function parseQueue(env: Environment): EgressConfig["operator"] {
  const dir = readSetting(env, SIDECAR_ENV.queueDir);
  const bottleSlug = readSetting(env, SIDECAR_ENV.slug);
  if (dir === undefined && bottleSlug === undefined) return undefined;
  if (dir === undefined || bottleSlug === undefined) {
    throw new ConfigError(
      `${SIDECAR_ENV.queueDir.name} and ${SIDECAR_ENV.slug.name} must be set together`,
    );
  }
  return {
    queueDir: dir,
    bottleSlug,
    timeoutMs: settingOrDefault(env, SIDECAR_ENV.tokenAllowTimeout) * 1000,
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
  const upstreamCaFile = readSetting(env, SIDECAR_ENV.egressUpstreamCa);
  const operator = parseQueue(env);
  const subnet = readSetting(env, SIDECAR_ENV.egressListenSubnet);
  const dnsListen = readSetting(env, SIDECAR_ENV.egressDnsListen);
  const connectTo = readSetting(env, SIDECAR_ENV.egressConnectTo) ?? [];
  return {
    routesFile: settingOrDefault(env, SIDECAR_ENV.egressRoutes),
    caDir: settingOrDefault(env, SIDECAR_ENV.egressCaDir),
    listen: settingOrDefault(env, SIDECAR_ENV.egressListen),
    ...(subnet === undefined ? {} : { listenSubnet: subnet }),
    ...(dnsListen === undefined ? {} : { dnsListen }),
    ...(upstreamCaFile === undefined ? {} : { upstreamCaFile }),
    ...(operator === undefined ? {} : { operator }),
    connectTo: new Map(connectTo.map((c) => [c.key, { address: c.address, port: c.port }])),
    supervise: (readSetting(env, SIDECAR_ENV.daemons) ?? []).includes("supervise"),
    // As egress's upstreamTimeoutsFrom reads them: importing it would evaluate the whole proxy
    // in the init process too.
    upstreamTimeouts: {
      connectMs: settingOrDefault(env, SIDECAR_ENV.egressConnectTimeout) * 1000,
      responseMs: settingOrDefault(env, SIDECAR_ENV.egressResponseTimeout) * 1000,
      stallMs: settingOrDefault(env, SIDECAR_ENV.egressStallTimeout) * 1000,
    },
  };
}

/**
 * What the egress daemon may do: network and its own files, no programs (it holds the tokens).
 *
 * @param config Its settings.
 * @returns Its permissions.
 */
export function egressPermissions(config: EgressConfig): DaemonPermissions {
  const queue = config.operator === undefined ? [] : [config.operator.queueDir];
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

/**
 * Serve the egress proxy until SIGTERM or SIGINT; SIGHUP reloads the routes.
 *
 * @param env The daemon's environment: settings, `EGRESS_TOKEN_*`, `BOT_BOTTLE_CANARY`.
 * @param io Log sink and signals.
 * @returns 0 after a clean shutdown.
 * @throws {ConfigError} For bad settings or an unreadable upstream CA file.
 * @throws {ManifestError} When the routes file does not load.
 */
export async function runEgressDaemon(
  env: Environment,
  io: DaemonIo,
): Promise<number> {
  const config = egressConfig(env);
  const signals = new EventQueue<HandledSignal>();
  const unsubscribe = io.signals((signal) => signals.push(signal));
  let dns: DnsRefuser | undefined;
  try {
    // First, before the proxy's modules load: a lookup made meanwhile would wait out its timeout.
    if (config.dnsListen !== undefined) dns = await startDns(config.dnsListen, config, io);
    // Loaded here, not at the top: the init process and the other daemons never evaluate it.
    const { startEgressProxy } = await import("../egress/mod.ts");
    const upstreamCa = config.upstreamCaFile === undefined
      ? undefined
      : await readUpstreamCa(config.upstreamCaFile);
    const proxy = await startEgressProxy({
      routesFile: config.routesFile,
      caDir: config.caDir,
      listen: listenAddress(config.listen, config.listenSubnet, SIDECAR_ENV.egressListenSubnet),
      env,
      logSink: io.log,
      ...(upstreamCa === undefined ? {} : { upstreamCa }),
      ...(config.operator === undefined ? {} : { operator: config.operator }),
      ...(config.connectTo.size === 0 ? {} : { connectTo: config.connectTo }),
      supervise: config.supervise,
      upstreamTimeouts: config.upstreamTimeouts,
    });
    try {
      while (await signals.next() === "SIGHUP") await proxy.reload();
    } finally {
      await proxy.close();
    }
    return 0;
  } finally {
    await dns?.close();
    unsubscribe();
  }
}

/**
 * Refuse every DNS query where the config says. A responder that cannot start is logged and
 * skipped: names fail to resolve all the same, each after the resolver's timeout.
 */
async function startDns(
  listen: HostPort,
  config: EgressConfig,
  io: DaemonIo,
): Promise<DnsRefuser | undefined> {
  const where = listenAddress(listen, config.listenSubnet, SIDECAR_ENV.egressListenSubnet);
  const line = (kind: string, event: Record<string, string>) =>
    io.log(JSON.stringify({ ts: new Date().toISOString(), kind, ...event }));
  try {
    const dns = await startDnsRefuser(where);
    line("info", { event: "dns_listening", address: `${where.hostname}:${dns.address.port}` });
    return dns;
  } catch (err) {
    line("warn", {
      event: "dns_unavailable",
      address: `${where.hostname}:${where.port}`,
      reason: messageOf(err),
    });
    return undefined;
  }
}

async function readUpstreamCa(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (err) {
    const reason = messageOf(err);
    throw new ConfigError(
      `${SIDECAR_ENV.egressUpstreamCa.name} "${file}" cannot be read: ${reason}`,
      {
        cause: err,
      },
    );
  }
}
