/**
 * One request through the proxy: the pipeline (`_pipeline.ts`) decides, then this module moves
 * the bytes: the head the steps built, the body through the scanner they armed (prefetched before
 * any upstream connection), the response through the detectors they chose. Returns whether the
 * client connection may be reused.
 */
import type { Duplex } from "node:stream";
import { messageOf } from "../../core/errors/mod.ts";
import {
  type Framing,
  HeaderList,
  Http1Reader,
  Http1Writer,
  HttpParseError,
  keepAlive,
  type ParsedRequest,
  type ParsedResponse,
} from "../http1/mod.ts";
import type { DenyDecision, EgressRequest, Policy, Upstream } from "./policy/mod.ts";
import { type RefusalStyle, sendBlock } from "./_block.ts";
import type { ExchangeContext, ForwardHead, InboundScan } from "./_exchange_context.ts";
import type { HoldBudget } from "./_hold_budget.ts";
import { forwardResponse } from "./_inbound.ts";
import { type EgressLog, findingFields } from "./_log.ts";
import { Prefetch } from "./_prefetch.ts";
import type { OutboundBody } from "./_request_body.ts";
import { toEgressRequest, type Tunnel } from "./_request.ts";
import {
  UpstreamConnectError,
  type UpstreamConnection,
  type UpstreamPool,
  UpstreamTimeoutError,
} from "./_upstream.ts";
import type { Pace, Transfers } from "./_transfers.ts";
import { pipeUpgrade } from "./_upgrade.ts";

/** Long-lived collaborators of every exchange (one set per proxy). */
export interface ExchangeDeps {
  /** The decision pipeline. */
  policy: Policy<ExchangeContext>;
  /** Upstream connections. */
  pool: UpstreamPool;
  /** The log. */
  log: EgressLog;
  /** How refusals are worded: secrets scrubbed, supervise tools named when there are any. */
  refusal: RefusalStyle;
  /** What all responses together may hold before their heads are sent. */
  holds: HoldBudget;
  /** What all request bodies together may read ahead before their upstream connections. */
  prefetches: HoldBudget;
  /** The slots large bodies take turns in, both ways. */
  transfers: Transfers;
}

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
  const decided = deps.policy.decide({ req, head });
  // Most requests are decided at once: awaiting a settled outcome would still cost a turn.
  const outcome = decided instanceof Promise ? await decided : decided;
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
    return await refuse({ client, req, deps }, decision);
  }
  const { route, upstream, forward, body, inbound } = outcome.ctx;
  if (
    route === undefined || upstream === undefined || forward === undefined ||
    body === undefined || inbound === undefined
  ) {
    return await refuse({ client, req, deps }, {
      action: "deny",
      rule: "internal_error",
      status: 500,
      reason: "the egress pipeline allowed a request it did not finish deciding",
    });
  }

  const pace = deps.transfers.paceFor(head.framing);
  // A large upload waits for its turn before the client is told to send it.
  if (pace !== undefined) await pace.start();
  if (forward.expectsContinue && head.framing.kind !== "none") {
    client.writer.writeResponseHead(
      { status: 100, reason: "Continue", version: "HTTP/1.1", headers: new HeaderList() },
      { kind: "none" },
    );
    await client.writer.end();
  }
  const prefetch = new Prefetch(deps.prefetches);
  try {
    return await send({
      head,
      req,
      upstream,
      forward,
      inbound,
      client,
      deps,
      started,
      body,
      prefetch,
      pace,
    });
  } finally {
    pace?.end();
    prefetch.done();
  }
}

/** Prefetch the body, then relay the exchange, once more when a pooled connection was stale. */
async function send(input: RelayInput): Promise<boolean> {
  const { head, req, upstream, client, deps, body, prefetch, pace } = input;
  const raw = head.framing.kind === "none" ? undefined : client.reader.body();
  const source = raw !== undefined && pace !== undefined ? pace.chunks(raw) : raw;
  const chunks = source?.[Symbol.asyncIterator]();
  const filled = prefetch.fill(chunks, body);
  const denied = filled instanceof Promise ? await filled : filled;
  if (denied !== undefined) return await refuse(input, denied);

  // A body that fit in the prefetch is kept so a request on a pooled connection the upstream
  // had already closed can be sent again, on a fresh one; one that cannot be sent again takes a
  // fresh connection from the start.
  for (let attempt = 0;; attempt++) {
    let conn: UpstreamConnection;
    try {
      const got = deps.pool.acquire(upstream, req.scheme === "https", {
        fresh: attempt > 0 || prefetch.whole === undefined,
      });
      // A pooled connection comes back at once.
      conn = got instanceof Promise ? await got : got;
    } catch (err) {
      const late = err instanceof UpstreamTimeoutError;
      return await refuse(input, {
        action: "deny",
        rule: late ? "upstream_timeout" : "upstream_unreachable",
        reason: messageOf(err),
        status: late ? 504 : 502,
      });
    }
    try {
      return await relay(conn, input);
    } catch (err) {
      // Never leave a half-used upstream connection open (and never pool it).
      conn.socket.destroy();
      const retry = err instanceof StaleConnectionError && attempt === 0 && conn.reused &&
        prefetch.whole !== undefined && IDEMPOTENT.has(head.method);
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
  /** Where it goes. */
  upstream: Upstream;
  /** The head to send, as the pipeline built and screened it. */
  forward: ForwardHead;
  /** How the response is scanned. */
  inbound: InboundScan;
  client: { reader: Http1Reader; writer: Http1Writer; socket: Duplex };
  deps: ExchangeDeps;
  started: number;
  /** The body's scanner, with the prefetched part held or released. */
  body: OutboundBody;
  /** The body's read-ahead: the whole body, or its start and the rest. */
  prefetch: Prefetch;
  /** The body's turns with the other large ones (none for a body that cannot be large). */
  pace: Pace | undefined;
}

/**
 * Refuse the request: the refusal to the client, the block to the log.
 *
 * @returns False: the client connection is not reused.
 */
async function refuse(
  at: { client: { writer: Http1Writer }; req: EgressRequest; deps: ExchangeDeps },
  decision: DenyDecision,
): Promise<false> {
  const { req, deps } = at;
  await sendBlock(at.client.writer, decision, req.host, deps.refusal);
  deps.log.block({
    host: req.host,
    method: req.method,
    path: req.path,
    rule: decision.rule,
    reason: decision.reason,
    ...(decision.finding === undefined ? {} : findingFields(decision.finding)),
  });
  return false;
}

/** Send the request upstream and the response back; the caller cleans up on a throw. */
async function relay(conn: UpstreamConnection, input: RelayInput): Promise<boolean> {
  const { head, req, client, deps, started } = input;
  try {
    await sendRequestBody(conn, input);
    // Sent: waiting for the answer moves no bytes.
    input.pace?.end();
  } catch (err) {
    if (err instanceof DeniedBody) return await refuse(input, err.decision);
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
      : err instanceof HttpParseError && err.status === 504
      ? UpstreamTimeoutError
      : UpstreamConnectError;
    throw new Stale(`no valid response from "${req.host}": ${messageOf(err)}`, { cause: err });
  }
  // Answered: the body will not be sent again.
  input.prefetch.done();
  if (response.status === 101) {
    if (input.forward.upgrade) await pipeUpgrade(response, client, conn);
    else conn.socket.destroy();
    return false;
  }
  const result = await forwardResponse(response, {
    upstream: conn,
    client,
    engine: input.inbound.engine,
    refusal: deps.refusal,
    holds: deps.holds,
    transfers: deps.transfers,
    detectors: input.inbound.detectors,
    onSecret: input.inbound.onSecret,
    onWarn: input.inbound.onWarn,
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
      ...(result.blocked.finding === undefined ? {} : findingFields(result.blocked.finding)),
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
    {
      method: head.method,
      target: input.forward.target,
      version: "HTTP/1.1",
      headers: input.forward.headers,
    },
    outFraming,
  );
  const rest = input.prefetch.rest;
  if (rest === undefined) {
    const whole = input.prefetch.whole ?? [];
    // Nothing to await for a bodiless request: ending at once sends its head in this same turn.
    if (whole.length > 0) await conn.writer.write(whole);
  } else {
    await conn.writer.write(body.release());
    // Past the read-ahead only the scanner's undecided tail is held.
    input.prefetch.done();
    for (let next = await rest.next();; next = await rest.next()) {
      const denied = next.done === true ? await body.finish() : await body.push(next.value);
      if (denied !== undefined) {
        conn.socket.destroy();
        throw new DeniedBody(denied);
      }
      if (next.done === true) break;
      await conn.writer.write(body.release());
    }
    await conn.writer.write(body.drain());
  }
  await conn.writer.end();
}
