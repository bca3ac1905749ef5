/**
 * One request through the proxy: policy decision, outbound DLP, forwarding with streamed bodies,
 * then the response through inbound DLP. Returns whether the client connection may be reused.
 */
import type { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { defaultDetectors, type DlpEngine } from "../../core/dlp/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import {
  type Framing,
  HeaderList,
  Http1Reader,
  Http1Writer,
  HttpParseError,
  keepAlive,
  type ParsedRequest,
  type ParsedResponse,
  stripHopByHop,
} from "../http1/mod.ts";
import type { DenyDecision, EgressRequest, Policy } from "./policy/mod.ts";
import { sendBlock } from "./_block.ts";
import { forwardResponse } from "./_inbound.ts";
import type { EgressLog } from "./_log.ts";
import { type OperatorQueue, type OutboundContext, screenHead } from "./_outbound.ts";
import { OutboundBody } from "./_request_body.ts";
import { requestRefusal } from "./_request_rules.ts";
import { toEgressRequest, type Tunnel } from "./_request.ts";
import { UpstreamConnectError, type UpstreamConnection, type UpstreamPool } from "./_upstream.ts";
import { pipeUpgrade } from "./_upgrade.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** Long-lived collaborators of every exchange (one set per proxy). */
export interface ExchangeDeps {
  /** The policy pipeline. */
  policy: Policy<Route>;
  /** The DLP engine (rebuilt when the routes' token values change). */
  engine: () => DlpEngine;
  /** Upstream connections. */
  pool: UpstreamPool;
  /** The log. */
  log: EgressLog;
  /** Values the operator approved for the life of the proxy. */
  approved: Set<string>;
  /** Operator queue, when configured. */
  operator: OperatorQueue | undefined;
}

/**
 * Request body bytes scanned before any upstream connection is opened: a request that is blocked
 * or held for the operator within them never leaves a half-sent request upstream.
 */
const PREFETCH_BYTES = 1024 * 1024;

/** Encodings we can decode to scan, so we only offer those upstream. */
const ACCEPTED_ENCODINGS = "gzip, deflate, br";

/**
 * Handle one request whose head was read from the client.
 *
 * @param head The request head.
 * @param options The client connection's codec, the tunnel it came through (if any), and the
 * proxy's collaborators.
 * @returns True when the client connection can carry another request.
 */
export async function handleExchange(
  head: ParsedRequest,
  options: {
    client: { reader: Http1Reader; writer: Http1Writer; socket: Duplex };
    tunnel: Tunnel | undefined;
    deps: ExchangeDeps;
  },
): Promise<boolean> {
  const { client, tunnel, deps } = options;
  const started = performance.now();
  const req = toEgressRequest(head, tunnel);
  const refuse = async (decision: DenyDecision): Promise<false> => {
    await sendBlock(client.writer, decision, req.host);
    deps.log.block({
      host: req.host,
      method: req.method,
      path: req.path,
      rule: decision.rule,
      reason: decision.reason,
    });
    return false;
  };
  const outcome = await deps.policy.decide(req);
  const decision = outcome.decision;
  if (decision.action === "respond") {
    const body = new TextEncoder().encode(decision.body);
    client.writer.writeResponseHead(
      {
        status: decision.status,
        reason: "",
        version: "HTTP/1.1",
        headers: new HeaderList(decision.headers),
      },
      { kind: "length", length: body.length },
    );
    await client.writer.write(body);
    await client.writer.end();
    return head.framing.kind === "none" && keepAlive(head);
  }
  if (decision.action === "deny") {
    // A step that threw is denied as internal_error; the operator sees why.
    if (outcome.error !== undefined) {
      deps.log.info({ event: "policy_error", step: outcome.step, error: String(outcome.error) });
    }
    return await refuse(decision);
  }
  const route = outcome.ctx.route!;
  const upstream = outcome.ctx.upstream!;
  const engine = deps.engine();
  const ctx: OutboundContext = {
    engine,
    route,
    approved: deps.approved,
    operator: deps.operator,
    onWarn: (finding) =>
      deps.log.block({
        host: req.host,
        rule: `warn:${finding.detector}/${finding.rule}`,
        location: finding.location,
      }),
  };

  const refused = requestRefusal({
    scheme: req.scheme,
    host: req.host,
    headers: head.headers,
    route,
  });
  if (refused !== undefined) return await refuse(refused);
  const upgrade = head.headers.has("upgrade");
  const expectsContinue = (head.headers.get("expect") ?? "").toLowerCase() === "100-continue";
  const headers = stripHopByHop(head.headers, { keepUpgrade: upgrade });
  // We answer `Expect` ourselves (below), after the head passed policy and DLP.
  headers.delete("expect");
  headers.set(
    "Host",
    req.port === (req.scheme === "https" ? 443 : 80) ? req.host : `${req.host}:${req.port}`,
  );
  if (headers.has("accept-encoding")) headers.set("Accept-Encoding", ACCEPTED_ENCODINGS);
  const screened = await screenHead(ctx, {
    host: req.host,
    target: `${req.path}${req.query === "" ? "" : `?${req.query}`}`,
    headers,
  });
  if (screened.action === "deny") return await refuse(screened);

  if (expectsContinue && head.framing.kind !== "none") {
    client.writer.writeResponseHead(
      { status: 100, reason: "Continue", version: "HTTP/1.1", headers: new HeaderList() },
      { kind: "none" },
    );
    await client.writer.end();
  }
  const body = new OutboundBody(ctx, {
    host: req.host,
    formEncoded: /^application\/x-www-form-urlencoded\b/i.test(headers.get("content-type") ?? ""),
  });
  const chunks = head.framing.kind === "none"
    ? undefined
    : client.reader.body()[Symbol.asyncIterator]();
  let ended = chunks === undefined;
  while (chunks !== undefined && !ended && body.held <= PREFETCH_BYTES) {
    const next = await chunks.next();
    const denied = next.done === true ? await body.finish() : await body.push(next.value);
    ended = next.done === true;
    if (denied !== undefined) return await refuse(denied);
  }

  // A body that fit in the prefetch is kept so a request on a pooled connection the upstream
  // had already closed can be sent again on a fresh one.
  const prefetched = ended ? body.drain() : undefined;
  for (let attempt = 0;; attempt++) {
    let conn: UpstreamConnection;
    try {
      conn = await deps.pool.acquire(upstream, req.scheme === "https");
    } catch (err) {
      const reason = messageOf(err);
      return await refuse({ action: "deny", rule: "upstream_unreachable", reason, status: 502 });
    }
    try {
      return await relay(conn, {
        head,
        req,
        route,
        headers,
        target: screened.target,
        upgrade,
        client,
        ctx,
        deps,
        started,
        body,
        prefetched,
        rest: ended ? undefined : chunks,
        refuse,
      });
    } catch (err) {
      // Never leave a half-used upstream connection open (and never pool it).
      conn.socket.destroy();
      const retry = err instanceof StaleConnectionError && attempt === 0 && conn.reused &&
        prefetched !== undefined && IDEMPOTENT.has(head.method);
      if (!retry) throw err;
    }
  }
}

/** Methods that may be sent again when a kept-alive connection turns out to be closed. */
const IDEMPOTENT: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/** The upstream closed a connection before answering (typical of an idle pooled one). */
class StaleConnectionError extends UpstreamConnectError {
  /**
   * @param message What happened.
   * @param options The cause.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "StaleConnectionError";
  }
}

interface RelayInput {
  head: ParsedRequest;
  req: EgressRequest;
  route: Route;
  headers: HeaderList;
  target: string;
  upgrade: boolean;
  client: { reader: Http1Reader; writer: Http1Writer; socket: Duplex };
  ctx: OutboundContext;
  deps: ExchangeDeps;
  started: number;
  /** The body's scanner, with the prefetched part held or released. */
  body: OutboundBody;
  /** The whole body when it fit in the prefetch (already scanned and drained). */
  prefetched: Buffer[] | undefined;
  /** The rest of the body, when the prefetch did not reach its end. */
  rest: AsyncIterator<Uint8Array> | undefined;
  refuse: (decision: DenyDecision) => Promise<false>;
}

/** Send the request upstream and the response back; the caller cleans up on a throw. */
async function relay(conn: UpstreamConnection, input: RelayInput): Promise<boolean> {
  const { head, req, route, upgrade, client, ctx, deps, started } = input;
  try {
    await sendRequestBody(conn, input);
  } catch (err) {
    if (err instanceof DeniedBody) return await input.refuse(err.decision);
    throw new StaleConnectionError(`cannot send the request to "${req.host}": ${messageOf(err)}`, {
      cause: err,
    });
  }

  let response: ParsedResponse;
  try {
    // Interim answers (100 Continue, 103 Early Hints) are not forwarded: the client already had
    // its 100 from us, and the final answer is what the scanners judge.
    do response = await conn.reader.readResponseHead(head.method); while (
      response.status >= 100 && response.status < 200 && response.status !== 101
    );
  } catch (err) {
    conn.socket.destroy();
    // Closed before a single byte of an answer: the connection was stale, not the upstream broken.
    const Stale = err instanceof HttpParseError && err.code === "closed-before-response"
      ? StaleConnectionError
      : UpstreamConnectError;
    throw new Stale(`no valid response from "${req.host}": ${messageOf(err)}`, { cause: err });
  }
  if (response.status === 101) {
    if (upgrade) await pipeUpgrade(response, client, conn);
    else conn.socket.destroy();
    return false;
  }
  const inboundDetectors = route.dlp?.inbound_detectors === false
    ? []
    : route.dlp?.inbound_detectors ?? defaultDetectors("inbound");
  const result = await forwardResponse(response, {
    upstream: conn,
    client,
    engine: ctx.engine,
    detectors: inboundDetectors,
    host: req.host,
    clientKeepAlive: keepAlive(head),
    clientVersion: head.version,
  });
  if (result.upstreamReusable) deps.pool.release(conn);
  else conn.socket.destroy();
  if (result.blocked !== undefined) {
    deps.log.block({
      host: req.host,
      method: req.method,
      path: req.path,
      rule: result.blocked.rule,
      reason: result.blocked.reason,
    });
  } else {
    deps.log.request({
      host: req.host,
      method: req.method,
      path: req.path,
      status: response.status,
      ms: Math.round(performance.now() - started),
    });
  }
  return result.clientReusable;
}

/** A body that DLP stopped while it was being sent. */
class DeniedBody extends Error {
  /** @param decision The deny. */
  constructor(readonly decision: DenyDecision) {
    super(decision.reason);
    this.name = "DeniedBody";
  }
}

async function sendRequestBody(conn: UpstreamConnection, input: RelayInput): Promise<void> {
  const { head, body } = input;
  const outFraming: Framing = head.framing.kind === "close" ? { kind: "chunked" } : head.framing;
  conn.writer.writeRequestHead(
    { method: head.method, target: input.target, version: "HTTP/1.1", headers: input.headers },
    outFraming,
  );
  if (input.rest === undefined) {
    await writeAll(conn.writer, input.prefetched ?? []);
  } else {
    await writeAll(conn.writer, body.release());
    for (let next = await input.rest.next();; next = await input.rest.next()) {
      const denied = next.done === true ? await body.finish() : await body.push(next.value);
      if (denied !== undefined) {
        conn.socket.destroy();
        throw new DeniedBody(denied);
      }
      if (next.done === true) break;
      await writeAll(conn.writer, body.release());
    }
    await writeAll(conn.writer, body.drain());
  }
  await conn.writer.end();
}

async function writeAll(to: Http1Writer, chunks: Buffer[]): Promise<void> {
  for (const chunk of chunks) await to.write(chunk);
}
