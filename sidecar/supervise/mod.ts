/**
 * The supervise MCP server (SPEC §6.3): the agent's way to ask the human operator for a change.
 * Tools: `list-egress-routes` (the live routes file, token slots only), `egress-allow` (a full
 * proposed routes file, validated before it is queued) and `capability-block` (a full proposed
 * Dockerfile). Each proposal is written to the bottle's queue directory and the call waits for the
 * operator's answer: approved or modified → text, rejected → an error result with the reason, no
 * answer in time → `status: pending` with the proposal left queued.
 *
 * Streamable HTTP at `/mcp` (stateless, JSON responses), request bodies capped (413), what all
 * requests hold at once bounded (503).
 *
 * @module
 * @example
 * ```ts ignore
 * import { startSuperviseServer } from "./mod.ts";
 * await using server = await startSuperviseServer({
 *   routesFile: "/state/egress/routes.yaml",
 *   queueDir: "/queue",
 *   bottleSlug: "dev-1",
 *   responseTimeoutMs: 30_000,
 *   listen: { hostname: "127.0.0.1", port: 9100 },
 * });
 * console.log(`http://${server.address.hostname}:${server.address.port}/mcp`);
 * ```
 */
import { createApp } from "./_app.ts";

/** The default request body cap: routes files and Dockerfiles are far smaller. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The default budget for the bodies of all requests in the server at once. */
export const BODY_BUDGET_BYTES = 8 * 1024 * 1024;

/**
 * The default cap on requests in the server at once: a tool call waits for the operator, and
 * one bottle may have at most 20 proposals waiting, so an agent never needs more.
 */
export const MAX_REQUESTS = 64;

/** Options of {@link startSuperviseServer}. */
export interface SuperviseOptions {
  /** The bottle's live routes file (read only). */
  routesFile: string;
  /** The bottle's queue directory. */
  queueDir: string;
  /** The bottle's slug, recorded in proposals. */
  bottleSlug: string;
  /** How long a tool call waits for the operator before answering `pending`. */
  responseTimeoutMs: number;
  /** Where to listen (port 0 picks one). */
  listen: { hostname: string; port: number };
  /** Request body cap in bytes; defaults to {@link MAX_BODY_BYTES}. */
  maxBodyBytes?: number;
  /** Bytes the bodies of all requests may hold at once; defaults to {@link BODY_BUDGET_BYTES}. */
  bodyBudgetBytes?: number;
  /** Requests in the server at once; defaults to {@link MAX_REQUESTS}. */
  maxRequests?: number;
  /** How often a waiting call looks for the answer; defaults to 100 ms. */
  pollMs?: number;
  /** One JSON log line (without newline); defaults to discarding. */
  log?: (line: string) => void;
}

/** A running supervise server. */
export interface SuperviseServer extends AsyncDisposable {
  /** Where it listens. */
  address: { hostname: string; port: number };
  /** Stop: waiting calls answer `pending` at once, then the listener closes. */
  close(): Promise<void>;
}

/**
 * Start the supervise server.
 *
 * @param options Files, queue, timing and listen address.
 * @returns The running server.
 * @throws {Deno.errors.AddrInUse} When the address is taken (and other listen errors).
 */
export async function startSuperviseServer(
  options: SuperviseOptions,
): Promise<SuperviseServer> {
  const log = options.log ?? (() => {});
  const stopping = new AbortController();
  const app = createApp({
    tools: {
      dir: options.queueDir,
      bottleSlug: options.bottleSlug,
      timeoutMs: options.responseTimeoutMs,
      pollMs: options.pollMs ?? 100,
      log,
      routesFile: options.routesFile,
      stopping: stopping.signal,
    },
    limits: {
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES,
      budgetBytes: options.bodyBudgetBytes ?? BODY_BUDGET_BYTES,
      maxRequests: options.maxRequests ?? MAX_REQUESTS,
    },
    version: "0.1.0",
  });
  const { promise, resolve } = Promise.withResolvers<SuperviseServer>();
  const server = Deno.serve({
    hostname: options.listen.hostname,
    port: options.listen.port,
    onListen: (addr) => {
      log(JSON.stringify({ event: "listening", address: `${addr.hostname}:${addr.port}` }));
      const close = async () => {
        stopping.abort();
        await server.shutdown();
      };
      resolve({
        address: { hostname: addr.hostname, port: addr.port },
        close,
        [Symbol.asyncDispose]: close,
      });
    },
  }, app.fetch);
  return await promise;
}
