/**
 * A scanned response on its way to the client (`_inbound.ts` decides its head and framing): the
 * bytes it holds back, whether its head is out yet, and how a finding ends it. A short body of a
 * declared length is read whole and scanned once; any other streams through the engine with its
 * undecided tail held back, so no byte of a finding reaches the client.
 */
import type { Duplex } from "node:stream";
import type {
  DlpEngine,
  Finding,
  InboundDetector,
  InboundScanOptions,
} from "../../core/dlp/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";
import {
  type Framing,
  type Http1Reader,
  type Http1Writer,
  HttpParseError,
  type ResponseHead,
} from "../http1/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { type RefusalStyle, sendBlock } from "./_block.ts";
import { HeldBytes } from "./_held_bytes.ts";
import type { HoldBudget } from "./_hold_budget.ts";
import { REDACT_FILL, summary } from "./_outbound.ts";
import { reflectionDeny } from "./_reflection.ts";
import { SseTextScan } from "./_sse_text.ts";
import type { Transfers } from "./_transfers.ts";
import { UpstreamConnectError } from "./_upstream.ts";

/** The detector of a known secret's findings. */
const KNOWN_SECRET = "known_secrets";

/**
 * Bytes of a response held before its head is committed to the client: a block within them is a
 * readable 403, a later one cuts the connection. Part of each connection's fixed buffer budget
 * (issue 19): 200 responses starting at once held up to 1 MiB each before. All responses together
 * hold no more than their {@link HoldBudget}.
 */
const COMMIT_BYTES = 256 * 1024;

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

/** Inputs of `forwardResponse` (`_inbound.ts`). */
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

/** What a {@link ScannedResponse} sends, decided from the upstream's head. */
export interface ResponseToSend {
  /** The head to send. */
  head: ResponseHead;
  /** The body's framing towards the client. */
  framing: Framing;
  /** Whether the body is an event stream. */
  isSse: boolean;
  /** Whether the upstream connection may be reused once the response went out whole. */
  upstreamReusable: boolean;
  /** Whether the client connection may be reused once the response went out whole. */
  clientReusable: boolean;
}

/**
 * A scanned response on its way to the client: the bytes it holds, whether its head is out yet,
 * and how a finding ends it. One object per response, its steps methods (closures made per
 * response were the largest allocation of a small request, issue 16).
 */
export class ScannedResponse {
  readonly #options: ForwardOptions;
  readonly #response: ResponseToSend;
  readonly #scan: InboundScanOptions;
  readonly #held = new HeldBytes();
  #committed = false;
  /** Bytes of the proxy's hold budget this response took; given back once its head is out. */
  #taken = 0;

  /**
   * @param options The exchange's codecs, engine and detectors.
   * @param response The head to send, the body's framing towards the client, whether the body
   *   is an event stream, and whether each connection may be reused once it went out whole.
   */
  constructor(options: ForwardOptions, response: ResponseToSend) {
    this.#options = options;
    this.#response = response;
    this.#scan = {
      detectors: options.detectors,
      location: "response body",
      echoes: options.engine.protectsSecrets,
    };
  }

  /**
   * Send the response. A short body of a declared length is held whole from the start when the
   * budget allows it (as the stream would hold it anyway): read, scanned once, then sent; any
   * other streams. What the response took of the hold budget is given back however it ends.
   *
   * @param body The upstream's body, as the client gets it (decoded, paced).
   * @param options `paced`: the body takes turns with other transfers (never a short one).
   */
  async send(body: AsyncIterable<Uint8Array>, options: { paced: boolean }): Promise<ForwardResult> {
    const { framing, isSse } = this.#response;
    // A decoded body is chunked, so a declared length is the upstream's own.
    const whole = !isSse && !options.paced && framing.kind === "length" &&
      framing.length <= WHOLE_BYTES && this.#mayHold(framing.length);
    try {
      return await (whole ? this.#whole() : this.#streamed(body));
    } finally {
      this.#giveBack();
    }
  }

  /** Whether `bytes` more may wait for the head: always once it is out, else from the budget. */
  #mayHold(bytes: number): boolean {
    if (this.#committed) return true;
    if (!this.#options.holds.take(bytes)) return false;
    this.#taken += bytes;
    return true;
  }

  /** Give back what this response took of the hold budget. */
  #giveBack(): void {
    this.#options.holds.give(this.#taken);
    this.#taken = 0;
  }

  /** A short body: read, scanned once, then sent with its head (or refused, or redacted). */
  async #whole(): Promise<ForwardResult> {
    const { upstream, engine, host } = this.#options;
    for (const chunk of await upstreamWhole(upstream.reader, host)) this.#held.push(chunk);
    return await this.#found(engine.scanResponse(this.#held.all(), this.#scan)) ??
      await this.#sendHeld();
  }

  /** A body of any length, scanned as it streams; only settled bytes go out. */
  async #streamed(body: AsyncIterable<Uint8Array>): Promise<ForwardResult> {
    const options = this.#options;
    const held = this.#held;
    const writer = options.client.writer;
    // One stream for injection and echoed secrets: one escape context and one undecided tail.
    const scanner = options.engine.inboundStream(this.#scan);
    const joined = this.#response.isSse
      ? new SseTextScan(options.engine, {
        detectors: options.detectors,
        mirror: options.engine.protectsSecrets,
        onWarn: options.onWarn,
      })
      : undefined;
    for await (const chunk of body) {
      held.push(chunk);
      const stop = await this.#found(scanner.push(chunk));
      if (stop !== undefined) return stop;
      if (joined !== undefined) {
        const split = joined.push(chunk);
        if (split !== undefined) return await this.#blockNow(this.#joinedDeny(split));
        // Whole events go out as soon as they are scanned; an event that outgrows COMMIT_BYTES
        // streams like any other body (only settled bytes), so memory stays bounded.
        const end = joined.eventsEnd;
        const ready = end > held.offset
          ? held.releaseUpTo(end)
          : held.length > COMMIT_BYTES || !this.#mayHold(chunk.length)
          ? held.releaseUpTo(scanner.settled)
          : [];
        if (ready.length > 0) this.#commit();
        await writer.write(ready);
      } else if (this.#committed || held.length > COMMIT_BYTES || !this.#mayHold(chunk.length)) {
        this.#commit();
        await writer.write(held.releaseUpTo(scanner.settled));
      }
    }
    const last = scanner.end();
    const finding = blocking(injections(last), options.onWarn);
    if (finding !== undefined) return await this.#blockNow(injectionDeny(options.host, finding));
    const split = joined?.end();
    if (split !== undefined) return await this.#blockNow(this.#joinedDeny(split));
    return await this.#echoed(secrets(last)) ?? await this.#sendHeld();
  }

  /** The head goes out (once), and the budget it held is given back. */
  #commit(): void {
    if (this.#committed) return;
    this.#committed = true;
    this.#giveBack();
    const { head, framing } = this.#response;
    this.#options.client.writer.writeResponseHead(head, framing);
  }

  /** Everything scanned and judged: the head, if still held, and what is held go out. */
  async #sendHeld(): Promise<ForwardResult> {
    const writer = this.#options.client.writer;
    this.#commit();
    await writer.write(this.#held.drain());
    await writer.end();
    const { upstreamReusable, clientReusable } = this.#response;
    return { upstreamReusable, clientReusable };
  }

  /** A finding in the text joined across events: nothing in the raw bytes to redact. */
  #joinedDeny(finding: Finding): DenyDecision {
    return finding.detector === KNOWN_SECRET
      ? reflectionDeny(this.#options.host, [finding])
      : injectionDeny(this.#options.host, finding);
  }

  /** Refuse: a readable 403 while the head is held, else an event or a cut connection. */
  async #blockNow(blocked: DenyDecision): Promise<ForwardResult> {
    const { client, host, refusal } = this.#options;
    if (!this.#committed) {
      await sendBlock(client.writer, blocked, host, refusal);
    } else if (this.#response.isSse) {
      const event = `event: egress_blocked\ndata: ${
        JSON.stringify({ error: "egress_blocked", rule: blocked.rule, reason: blocked.reason })
      }\n\n`;
      await client.writer.write(new TextEncoder().encode(event));
      await client.writer.end();
    } else {
      client.socket.destroy();
    }
    return { upstreamReusable: false, clientReusable: false, blocked };
  }

  /** Redact or refuse the echoed secrets; a refusal, or bytes already sent, ends the response. */
  async #echoed(findings: readonly Finding[]): Promise<ForwardResult | undefined> {
    if (findings.length === 0) return undefined;
    const host = this.#options.host;
    if (this.#options.onSecret === "block") {
      return await this.#blockNow(reflectionDeny(host, findings));
    }
    for (const f of findings) {
      if (!this.#held.overwrite(f.start, f.end, REDACT_FILL)) {
        return await this.#blockNow(reflectionDeny(host, findings));
      }
    }
    return undefined;
  }

  /** A blocking injection refuses first; then the echoed secrets are redacted or refused. */
  async #found(findings: readonly Finding[]): Promise<ForwardResult | undefined> {
    if (findings.length === 0) return undefined;
    const finding = blocking(injections(findings), this.#options.onWarn);
    if (finding !== undefined) {
      return await this.#blockNow(injectionDeny(this.#options.host, finding));
    }
    return await this.#echoed(secrets(findings));
  }
}

/** The upstream's body, gathered: a short body of a declared length (a failure is a 502). */
async function upstreamWhole(reader: Http1Reader, host: string): Promise<Uint8Array[]> {
  try {
    return await reader.wholeBody();
  } catch (err) {
    throw upstreamFailure(err, host);
  }
}

/** The upstream's body; a socket error while reading it is the upstream's failure (a 502). */
export async function* upstreamBody(
  reader: Http1Reader,
  host: string,
): AsyncGenerator<Uint8Array> {
  try {
    yield* reader.body();
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

/** A refusal of the response by inbound DLP. */
export function inboundDeny(reason: string): DenyDecision {
  return { action: "deny", rule: "dlp_inbound", reason, status: 403 };
}

function injectionDeny(host: string, finding: Finding): DenyDecision {
  return {
    ...inboundDeny(`response from "${host}" looks like prompt injection (${finding.rule})`),
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
