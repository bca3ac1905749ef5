/**
 * The egress proxy (SPEC §6.1): an HTTP forward proxy with TLS interception that allows only the
 * declared routes, injects their credentials, scans both directions with the DLP engine and
 * explains every refusal with a JSON 403. It runs in the sidecar and, standalone, as
 * `bot-bottle egress serve`.
 *
 * @module
 * @example
 * ```ts ignore
 * import { startEgressProxy } from "./mod.ts";
 * const proxy = await startEgressProxy({
 *   routesFile: "/state/egress/routes.yaml",
 *   caDir: "/state/egress/ca",
 *   listen: { hostname: "0.0.0.0", port: 9099 },
 *   env: Deno.env.toObject(),
 *   logSink: (line) => console.error(line),
 * });
 * Deno.addSignalListener("SIGHUP", () => void proxy.reload());
 * ```
 */
import {
  KNOWN_SECRET_PREFIX,
  SIDECAR_ENV,
  TOKEN_SLOT_PREFIX,
} from "../../core/sidecar_contract/mod.ts";
import { join } from "node:path";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { type Limits, READ_AHEAD_BYTES, ReadAhead } from "../http1/mod.ts";
import { LeafCache, loadOrCreateCa } from "../../core/tls/mod.ts";
import { GcPacer } from "../../core/gc_pacer/mod.ts";
import type { OperatorQueue } from "./_outbound.ts";
import { createPipeline } from "./_pipeline.ts";
import { DnsCache } from "./_dns_cache.ts";
import { Approvals } from "./_approvals.ts";
import { EgressLog, findingFields, type LogSink } from "./_log.ts";
import { RoutesState } from "./_routes_state.ts";
import { EgressServer } from "./_server.ts";
import { HOLD_BUDGET_BYTES, HoldBudget } from "./_hold_budget.ts";
import { PREFETCH_BUDGET_BYTES } from "./_prefetch.ts";
import { TRANSFER_SLOTS, Transfers } from "./_transfers.ts";
import { readSystemRoots, UpstreamPool, type UpstreamTimeouts } from "./_upstream.ts";

export { DEFAULT_UPSTREAM_TIMEOUTS, type UpstreamTimeouts } from "./_upstream.ts";
export { upstreamTimeoutsFrom } from "./_upstream_timeouts.ts";
export { LARGE_BODY_BYTES, STALL_MS } from "./_transfers.ts";
export { writeRuntimeRoots } from "./_upstream_roots.ts";

export type { OperatorQueue } from "./_outbound.ts";

/** Options of {@link startEgressProxy}. */
export interface EgressProxyOptions {
  /** The routes YAML (a bottle's `egress:` section); re-read by `reload()`. */
  routesFile: string;
  /** Directory of the bottle CA (created with a new CA when absent). */
  caDir: string;
  /** Where to listen. */
  listen: { hostname: string; port: number };
  /**
   * Share the port with other proxies that bind it the same way (Linux SO_REUSEPORT), so several
   * processes, one event loop each, serve one address; the port must then be fixed.
   */
  reusePort?: boolean;
  /** The process environment: token slots (`token_ref` names) and `BOT_BOTTLE_CANARY`. */
  env: Record<string, string | undefined>;
  /** Where JSON log lines go. */
  logSink: LogSink;
  /** Overrides the routes file's `log` level. */
  logLevel?: 0 | 1 | 2;
  /** Extra PEM CA trusted for upstream TLS. */
  upstreamCa?: string;
  /** `--connect-to` mappings keyed by lowercase `host:port`; exempt from the address check. */
  connectTo?: ReadonlyMap<string, { address: string; port: number }>;
  /** Client-side HTTP limits (head size and timeouts); tests shrink the timeouts. */
  limits?: Partial<Limits>;
  /** How long an upstream may take to connect, to answer, and be silent mid-answer. */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /**
   * What all responses together may hold before their heads are sent (default
   * {@link HOLD_BUDGET_BYTES}); tests shrink it.
   */
  holdBudgetBytes?: number;
  /**
   * What all request bodies together may read ahead before their upstream connections (default
   * {@link PREFETCH_BUDGET_BYTES}); tests shrink it.
   */
  prefetchBudgetBytes?: number;
  /** How many large bodies move at once (default {@link TRANSFER_SLOTS}); tests shrink it. */
  transferSlots?: number;
  /**
   * What all client and upstream readers together may queue ahead of the proxy before each
   * pauses at one record (default {@link READ_AHEAD_BYTES}); tests shrink it.
   */
  readAheadBytes?: number;
  /** Resolver for upstream hosts (tests pass one that never sends DNS queries). */
  lookup?: (host: string) => Promise<readonly { address: string; family: number }[]>;
  /** Operator queue for `outbound_on_match: supervise`; without it supervise fails closed. */
  operator?: OperatorQueue;
  /**
   * Whether the agent has the supervise MCP server to ask for access with: refusals point at
   * its tools only then (default: no, as for `egress serve` on its own).
   */
  supervise?: boolean;
}

/** A running proxy. */
export interface EgressProxy {
  /** Bound address. */
  hostname: string;
  /** Bound port. */
  port: number;
  /** Path of the CA certificate clients must trust. */
  caCertPath: string;
  /** Re-read the routes file; on any error the previous routes stay live. */
  reload(): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Stop listening and close every connection. */
  close(): Promise<void>;
}

/**
 * Start the egress proxy.
 *
 * @param options Routes, CA, listen address, environment and log.
 * @returns The running proxy.
 * @throws {ManifestError} When the routes file does not load (nothing is started).
 * @throws {CaFileError} When an existing CA is unusable.
 */
export async function startEgressProxy(options: EgressProxyOptions): Promise<EgressProxy> {
  const canary = options.env[SIDECAR_ENV.canary.name];
  const tokenFor = (ref: string) => {
    const value = options.env[ref];
    return value === undefined || value === "" ? undefined : value;
  };
  const routes = await RoutesState.load(options.routesFile);
  const engines = new WeakMap<object, DlpEngine>();
  const engineFor = () => {
    const current = routes.current;
    let engine = engines.get(current);
    if (engine === undefined) {
      const tokens = current.routes.flatMap((r) => {
        const value = r.auth === undefined ? undefined : tokenFor(r.auth.token_ref);
        return value === undefined ? [] : [value];
      });
      // Every secret the bottle holds besides the canary (scanned with them regardless): the
      // agent's own (`${HOST_VAR}` and `?prompt` env) and every token slot, even one whose route
      // a reload dropped, so each is caught in every encoding the engine knows.
      const held = Object.entries(options.env)
        .filter(([name, value]) => isHeldSecret(name) && value !== "")
        .map(([, value]) => value as string);
      const secrets = [...new Set([...tokens, ...held])];
      engine = new DlpEngine({
        knownSecrets: secrets,
        ...(canary === undefined || canary === "" ? {} : { canary }),
      });
      engines.set(current, engine);
    }
    return engine;
  };
  const log = new EgressLog(options.logLevel ?? routes.current.log, {
    sink: options.logSink,
    redact: (line) => engineFor().redactSecrets(line),
  });
  const ca = await loadOrCreateCa(options.caDir);
  const systemRoots = await readSystemRoots();
  // Body bytes read from either side pace the full collections that return dead buffers.
  const pacer = new GcPacer();
  const counted = (bytes: number) => pacer.relayed(bytes);
  // What client and upstream readers queue ahead of the proxy, shared by all of them.
  const readAhead = new ReadAhead(options.readAheadBytes ?? READ_AHEAD_BYTES);
  const pool = new UpstreamPool({
    counted,
    readAhead,
    extraCa: options.upstreamCa,
    roots: systemRoots === undefined ? undefined : [systemRoots],
    ...(options.upstreamTimeouts === undefined ? {} : { timeouts: options.upstreamTimeouts }),
  });
  const dns = new DnsCache();
  const server = new EgressServer({
    policy: createPipeline({
      routes: () => routes.current.routes,
      matchRequest: (route, req) => routes.matcher(route).match(req),
      tokenFor,
      ...(options.connectTo === undefined ? {} : { connectTo: options.connectTo }),
      lookup: options.lookup ?? ((host) => dns.resolve(host)),
      engine: engineFor,
      approvals: new Approvals(),
      approved: (record) => log.info({ event: "dlp_approval", scope: "host+route", ...record }),
      operator: options.operator,
      redacted: (host, findings) => {
        for (const finding of findings) {
          log.redact({ host, rule: "dlp_redacted", ...findingFields(finding) });
        }
      },
      warn: (host, finding) =>
        log.warn({
          host,
          rule: `warn:${finding.detector}/${finding.rule}`,
          ...findingFields(finding),
        }),
    }),
    pool,
    log,
    refusal: {
      redact: (text) => engineFor().redactSecrets(text),
      supervise: options.supervise ?? false,
    },
    holds: new HoldBudget(options.holdBudgetBytes ?? HOLD_BUDGET_BYTES),
    prefetches: new HoldBudget(options.prefetchBudgetBytes ?? PREFETCH_BUDGET_BYTES),
    transfers: new Transfers({ slots: options.transferSlots ?? TRANSFER_SLOTS }),
    leaves: new LeafCache(ca),
    limits: options.limits ?? {},
    counted,
    readAhead,
  });
  const bound = await server.listen(
    options.listen.hostname,
    options.listen.port,
    options.reusePort ?? false,
  );
  log.info({
    event: "listening",
    address: `${bound.hostname}:${bound.port}`,
    routes: routes.current.routes.length,
  });
  return {
    ...bound,
    caCertPath: join(options.caDir, "ca.pem"),
    async reload() {
      const result = await routes.reload();
      if (result.ok) {
        if (options.logLevel === undefined) log.setLevel(routes.current.log);
        log.info({ event: "reload", routes: routes.current.routes.length });
      } else {
        log.info({
          event: "reload_failed",
          error: result.error,
          kept: routes.current.routes.length,
        });
      }
      return result;
    },
    async close() {
      await server.close();
      pool.close();
    },
  };
}

/** A sidecar variable holding a secret of the bottle: a known-secret or an egress token slot. */
function isHeldSecret(name: string): boolean {
  return name.startsWith(KNOWN_SECRET_PREFIX) ||
    (name.startsWith(TOKEN_SLOT_PREFIX) && /^\d+$/.test(name.slice(TOKEN_SLOT_PREFIX.length)));
}
