/**
 * Inbound DLP on responses (SPEC §6.1 step 9). Every response is scanned for the bottle's known
 * secrets (the tokens the sidecar injects among them), in its headers and its body, so an origin
 * that echoes a request cannot hand the agent a real credential: the route's `inbound_on_secret`
 * redacts them (same length, default) or refuses the response. Bodies are never passed unscanned:
 *
 * - compressed bodies (gzip, deflate, br) are decoded and forwarded decoded; other encodings are
 *   refused;
 * - `text/event-stream` is forwarded event by event, each event scanned before it is sent, both
 *   as bytes and as the text the events carry joined together (`_sse_text.ts`), so a phrase or
 *   a secret split between delta events is seen whole;
 * - other bodies are held up to {@link COMMIT_BYTES} so a blocked response can still become a
 *   JSON 403; past that the head is committed and the rest streams with a held-back tail, and a
 *   block cuts the connection.
 */
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { pipeline, Readable } from "node:stream";
import zlib from "node:zlib";
import type { DlpEngine, Finding, InboundDetector } from "../../core/dlp/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";
import {
  type Framing,
  type Http1Reader,
  type Http1Writer,
  HttpParseError,
  keepAlive,
  type ParsedResponse,
  stripHopByHop,
} from "../http1/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { type RefusalStyle, sendBlock } from "./_block.ts";
import { HeldBytes } from "./_held_bytes.ts";
import type { HoldBudget } from "./_hold_budget.ts";
import { REDACT_FILL, summary } from "./_outbound.ts";
import { reflectionDeny, screenResponseHead } from "./_reflection.ts";
import { SseTextScan } from "./_sse_text.ts";
import type { Pace, Transfers } from "./_transfers.ts";
import { UpstreamConnectError } from "./_upstream.ts";

/** The detector of a known secret's findings. */
const KNOWN_SECRET = "known_secrets";

/**
 * Bytes of a response held before its head is committed to the client: a block within them is a
 * readable 403, a later one cuts the connection. Part of each connection's fixed buffer budget
 * (issue 19): 200 responses starting at once held up to 1 MiB each before. All responses together
 * hold no more than their {@link HoldBudget}.
 */
export const COMMIT_BYTES = 256 * 1024;

/**
 * A response body of a declared length up to this is read whole and scanned once, without a
 * stream to set up (most API answers are this short; the stream cost more than the scan). It is
 * under the decoded views' context (20 KiB), so the one scan finds what the stream would.
 */
const WHOLE_BYTES = 16 * 1024;

/** How the response went. */
export interface ForwardResult {
  /** The upstream connection finished its response cleanly and may be reused. */
  upstreamReusable: boolean;
  /** The client connection may carry another request. */
  clientReusable: boolean;
  /** Set when inbound DLP blocked the response. */
  blocked?: DenyDecision;
}

/** Inputs of {@link forwardResponse}. */
export interface ForwardOptions {
  /** Upstream codec. */
  upstream: { reader: Http1Reader; socket: Duplex };
  /** Client codec. */
  client: { writer: Http1Writer; socket: Duplex };
  /** The engine. */
  engine: DlpEngine;
  /** How refusals are worded. */
  refusal: RefusalStyle;
  /** What all responses together may hold before their heads. */
  holds: HoldBudget;
  /** The slots large bodies take turns in. */
  transfers: Transfers;
  /** Inbound detectors of the route (empty: none). */
  detectors: readonly InboundDetector[];
  /** What a known secret in the response does. */
  onSecret: "redact" | "block";
  /** Logs a finding that only warns. */
  onWarn: (finding: Finding) => void;
  /** Upstream host, for messages. */
  host: string;
  /** Whether the client asked to keep the connection. */
  clientKeepAlive: boolean;
  /** The client's HTTP version (1.0 clients cannot read chunked bodies). */
  clientVersion: "HTTP/1.0" | "HTTP/1.1";
}

/**
 * Forward an upstream response to the client through inbound DLP.
 *
 * @param response The upstream response head.
 * @param options Codecs, engine, detectors.
 * @returns Whether both connections can be reused, and the block, if any.
 */
export async function forwardResponse(
  response: ParsedResponse,
  options: ForwardOptions,
): Promise<ForwardResult> {
  const isSse = (response.headers.get("content-type") ?? "").toLowerCase().startsWith(
    "text/event-stream",
  );
  // An event stream is the agent's conversation with its model: it never waits behind downloads.
  const pace = isSse ? undefined : options.transfers.paceFor(response.framing);
  // Most responses have a small declared length: no pace, and no extra frame for them.
  if (pace === undefined) return forwardPaced(response, options, isSse, undefined);
  try {
    return await forwardPaced(response, options, isSse, pace);
  } finally {
    pace.end();
  }
}

/** {@link forwardResponse}, its body read at `pace` (none for an event stream or a small body). */
async function forwardPaced(
  response: ParsedResponse,
  options: ForwardOptions,
  isSse: boolean,
  pace: Pace | undefined,
): Promise<ForwardResult> {
  const upstreamKeep = keepAlive(response) && response.framing.kind !== "close";
  const encoding = (response.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  const mirror = options.engine.protectsSecrets;
  const scanning = (options.detectors.length > 0 || mirror) &&
    response.framing.kind !== "none";
  const screened = screenResponseHead(
    { reason: response.reason, headers: stripHopByHop(response.headers) },
    options,
  );
  if (screened.action === "deny") {
    await sendBlock(options.client.writer, screened, options.host, options.refusal);
    return { upstreamReusable: false, clientReusable: false, blocked: screened };
  }
  const headers = screened.headers;
  const upstream = upstreamBody(options.upstream.reader, options.host);
  let body: AsyncIterable<Uint8Array> = pace === undefined ? upstream : pace.chunks(upstream);
  let framing: Framing = response.framing;
  if (scanning && encoding !== "identity") {
    const decoder = decoderFor(encoding);
    if (decoder === undefined) {
      const blocked = deny(
        `response from "${options.host}" uses content-encoding "${encoding}", which cannot be scanned`,
      );
      await sendBlock(options.client.writer, blocked, options.host, options.refusal);
      return { upstreamReusable: false, clientReusable: false, blocked };
    }
    body = decode(body, decoder);
    headers.delete("content-encoding");
    headers.delete("content-length");
    framing = { kind: "chunked" };
  }
  if (framing.kind === "close") framing = { kind: "chunked" };
  let clientKeep = options.clientKeepAlive;
  if (framing.kind === "chunked" && options.clientVersion === "HTTP/1.0") {
    framing = { kind: "close" };
    clientKeep = false;
  }
  if (!clientKeep) headers.set("Connection", "close");
  const head = {
    status: response.status,
    reason: screened.reason,
    version: "HTTP/1.1" as const,
    headers,
  };

  if (!scanning) {
    options.client.writer.writeResponseHead(head, framing);
    for await (const chunk of body) await options.client.writer.write(chunk);
    await options.client.writer.end();
    return { upstreamReusable: upstreamKeep, clientReusable: clientKeep };
  }
  const scan = { detectors: options.detectors, location: "response body", echoes: mirror };
  const held = new HeldBytes();
  const joined = isSse
    ? new SseTextScan(options.engine, {
      detectors: options.detectors,
      mirror,
      onWarn: options.onWarn,
    })
    : undefined;
  /** A finding in the text joined across events: nothing in the raw bytes to redact. */
  const joinedDeny = (finding: Finding): DenyDecision =>
    finding.detector === KNOWN_SECRET
      ? reflectionDeny(options.host, [finding])
      : injectionDeny(options.host, finding);
  let committed = false;
  /** Bytes of the proxy's hold budget this response took; given back once its head is out. */
  let taken = 0;
  const giveBack = () => {
    options.holds.give(taken);
    taken = 0;
  };
  const commit = () => {
    if (committed) return;
    committed = true;
    giveBack();
    options.client.writer.writeResponseHead(head, framing);
  };
  /** Whether `bytes` more may wait for the head: always once it is out, else from the budget. */
  const mayHold = (bytes: number): boolean => {
    if (committed) return true;
    if (!options.holds.take(bytes)) return false;
    taken += bytes;
    return true;
  };
  const blockNow = async (blocked: DenyDecision): Promise<ForwardResult> => {
    if (!committed) {
      await sendBlock(options.client.writer, blocked, options.host, options.refusal);
    } else if (isSse) {
      const event = `event: egress_blocked\ndata: ${
        JSON.stringify({ error: "egress_blocked", rule: blocked.rule, reason: blocked.reason })
      }\n\n`;
      await options.client.writer.write(new TextEncoder().encode(event));
      await options.client.writer.end();
    } else {
      options.client.socket.destroy();
    }
    return { upstreamReusable: false, clientReusable: false, blocked };
  };
  /** Redact or refuse the echoed secrets; a refusal, or bytes already sent, ends the response. */
  const echoed = async (findings: readonly Finding[]): Promise<ForwardResult | undefined> => {
    if (findings.length === 0) return undefined;
    if (options.onSecret === "block") return await blockNow(reflectionDeny(options.host, findings));
    for (const f of findings) {
      if (!held.overwrite(f.start, f.end, REDACT_FILL)) {
        return await blockNow(reflectionDeny(options.host, findings));
      }
    }
    return undefined;
  };
  /** A blocking injection refuses first; then the echoed secrets are redacted or refused. */
  const found = async (findings: readonly Finding[]): Promise<ForwardResult | undefined> => {
    if (findings.length === 0) return undefined;
    const finding = blocking(injections(findings), options.onWarn);
    if (finding !== undefined) return await blockNow(injectionDeny(options.host, finding));
    return await echoed(secrets(findings));
  };
  // Held whole from the start when the budget allows it, as the stream would hold it anyway. A
  // decoded body is chunked, so a declared length is the upstream's own; a body this short is
  // never paced (the check keeps it so).
  const whole = !isSse && pace === undefined && framing.kind === "length" &&
    framing.length <= WHOLE_BYTES && mayHold(framing.length);
  try {
    return await (whole ? scannedWhole() : scanned());
  } finally {
    giveBack();
  }

  /** A short body: read, scanned once, then sent with its head (or refused, or redacted). */
  async function scannedWhole(): Promise<ForwardResult> {
    for (const chunk of await upstreamWhole(options.upstream.reader, options.host)) {
      held.push(chunk);
    }
    return await found(options.engine.scanResponse(held.all(), scan)) ?? await sendHeld();
  }

  /** Everything scanned and judged: the head, if still held, and what is held go out. */
  async function sendHeld(): Promise<ForwardResult> {
    commit();
    await options.client.writer.write(held.drain());
    await options.client.writer.end();
    return { upstreamReusable: upstreamKeep, clientReusable: clientKeep };
  }

  async function scanned(): Promise<ForwardResult> {
    // One stream for injection and echoed secrets: one escape context and one undecided tail.
    const scanner = options.engine.inboundStream(scan);
    const settled = () => scanner.settled;
    for await (const chunk of body) {
      held.push(chunk);
      const stop = await found(scanner.push(chunk));
      if (stop !== undefined) return stop;
      if (joined !== undefined) {
        const split = joined.push(chunk);
        if (split !== undefined) return await blockNow(joinedDeny(split));
        // Whole events go out as soon as they are scanned; an event that outgrows COMMIT_BYTES
        // streams like any other body (only settled bytes), so memory stays bounded.
        const end = joined.eventsEnd;
        const ready = end > held.offset
          ? held.releaseUpTo(end)
          : held.length > COMMIT_BYTES || !mayHold(chunk.length)
          ? held.releaseUpTo(settled())
          : [];
        if (ready.length > 0) commit();
        await options.client.writer.write(ready);
      } else if (committed || held.length > COMMIT_BYTES || !mayHold(chunk.length)) {
        commit();
        await options.client.writer.write(held.releaseUpTo(settled()));
      }
    }
    const last = scanner.end();
    const finding = blocking(injections(last), options.onWarn);
    if (finding !== undefined) return await blockNow(injectionDeny(options.host, finding));
    const split = joined?.end();
    if (split !== undefined) return await blockNow(joinedDeny(split));
    return await echoed(secrets(last)) ?? await sendHeld();
  }
}

/** The upstream's body; a socket error while reading it is the upstream's failure (a 502). */
async function* upstreamBody(reader: Http1Reader, host: string): AsyncGenerator<Uint8Array> {
  try {
    yield* reader.body();
  } catch (err) {
    throw upstreamFailure(err, host);
  }
}

/** {@link upstreamBody}, gathered: a short body of a declared length. */
async function upstreamWhole(reader: Http1Reader, host: string): Promise<Uint8Array[]> {
  try {
    return await reader.wholeBody();
  } catch (err) {
    throw upstreamFailure(err, host);
  }
}

/** A socket error while reading the upstream's body is the upstream's failure (a 502). */
function upstreamFailure(err: unknown, host: string): unknown {
  if (err instanceof HttpParseError) return err;
  return new UpstreamConnectError(`the response from "${host}" broke off: ${messageOf(err)}`, {
    cause: err,
  });
}

/** The findings of the inbound detectors (a known secret's is an echo, handled apart). */
function injections(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.detector !== KNOWN_SECRET);
}

/** The known secrets the response echoes. */
function secrets(findings: readonly Finding[]): Finding[] {
  return findings.filter((finding) => finding.detector === KNOWN_SECRET);
}

function deny(reason: string): DenyDecision {
  return { action: "deny", rule: "dlp_inbound", reason, status: 403 };
}

function injectionDeny(host: string, finding: Finding): DenyDecision {
  return {
    ...deny(`response from "${host}" looks like prompt injection (${finding.rule})`),
    finding: summary(finding),
  };
}

/** The first blocking finding; the warnings before it are logged. */
function blocking(
  findings: readonly Finding[],
  onWarn: (finding: Finding) => void,
): Finding | undefined {
  for (const finding of findings) {
    if (finding.severity === "block") return finding;
    onWarn(finding);
  }
  return undefined;
}

function decoderFor(
  encoding: string,
): (() => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress) | undefined {
  if (encoding === "gzip" || encoding === "x-gzip") return () => zlib.createGunzip();
  if (encoding === "deflate") return () => zlib.createInflate();
  if (encoding === "br") return () => zlib.createBrotliDecompress();
  return undefined;
}

async function* decode(
  body: AsyncIterable<Uint8Array>,
  make: () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress,
): AsyncGenerator<Uint8Array> {
  const decoder = make();
  // pipeline() tears the source down when the decoder fails or the consumer stops early (a
  // blocked response), so nothing is left waiting for 'drain'.
  // One compressed chunk queued at a time (the default queues 16): the decoder's own buffers
  // and the reader's pace bound what a compressed response holds.
  pipeline(Readable.from(body, { highWaterMark: 1 }), decoder, () => {});
  try {
    for await (const chunk of decoder) yield chunk as Buffer;
  } finally {
    decoder.destroy();
  }
}
