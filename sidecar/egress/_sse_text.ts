/**
 * The text a server-sent event stream carries, as the client will assemble it: model APIs send
 * a reply as many small events, each holding a few characters in a JSON field (`delta.text`,
 * `choices[0].delta.content`, `delta`), so a phrase or a secret split between events never
 * appears whole in the raw bytes. This view joins, event after event, the `data:` payloads (for
 * JSON payloads only the fields that carry content), and the inbound scanners read it as a
 * second stream.
 */
import { Buffer } from "node:buffer";
import type { DlpEngine, Finding, InboundDetector, StreamScanner } from "../../core/dlp/mod.ts";

/** An event longer than this is not parsed (it still streams, scanned raw). */
const MAX_EVENT_BYTES = 1024 * 1024;
/** JSON fields whose string values are content a client shows or acts on. */
const CONTENT_KEYS = new Set([
  "text",
  "content",
  "delta",
  "partial_json",
  "arguments",
  "thinking",
  "output_text",
  "refusal",
]);
/** How deep a payload is searched for content fields. */
const MAX_DEPTH = 16;

/** Splits a stream into events and returns the text each complete event carries. */
export class SseText {
  /** The event under way, one character per byte (at most {@link MAX_EVENT_BYTES}). */
  #pending = "";
  /** How far `#pending` was searched for a blank line. */
  #searched = 0;
  /** The event under way outgrew the limit: its text is skipped. */
  #overflow = false;
  /** Bytes pushed so far. */
  #consumed = 0;
  #eventsEnd = 0;
  readonly #encoder = new TextEncoder();

  /** Absolute offset just past the last complete event: what may be forwarded whole. */
  get eventsEnd(): number {
    return this.#eventsEnd;
  }

  /**
   * Account for the next chunk of the stream.
   *
   * @param chunk Response bytes.
   * @returns The UTF-8 text of the events this chunk completed (often empty).
   */
  push(chunk: Uint8Array): Uint8Array {
    this.#pending += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length).toString("latin1");
    this.#consumed += chunk.length;
    let text = "";
    while (true) {
      const end = blankLineEnd(this.#pending, Math.max(0, this.#searched - 3));
      if (end < 0) break;
      if (!this.#overflow) {
        text += eventText(Buffer.from(this.#pending.slice(0, end), "latin1").toString("utf8"));
      }
      this.#eventsEnd = this.#consumed - this.#pending.length + end;
      this.#pending = this.#pending.slice(end);
      this.#searched = 0;
      this.#overflow = false;
    }
    this.#searched = this.#pending.length;
    if (this.#pending.length > MAX_EVENT_BYTES) {
      // Keep what a blank line split across chunks needs.
      this.#pending = this.#pending.slice(-3);
      this.#searched = this.#pending.length;
      this.#overflow = true;
    }
    return this.#encoder.encode(text);
  }
}

/** The end of the first blank line at or after `from` (`\n\n` or `\r\n\r\n`), or -1. */
function blankLineEnd(text: string, from: number): number {
  const lf = text.indexOf("\n\n", from);
  const crlf = text.indexOf("\r\n\r\n", from);
  if (lf < 0) return crlf < 0 ? -1 : crlf + 4;
  if (crlf < 0) return lf + 2;
  return Math.min(lf + 2, crlf + 4);
}

/**
 * The text one event carries: its `data:` lines joined; for a JSON payload, the string values of
 * its content fields in document order.
 *
 * @param event The event's lines.
 * @returns The text (empty for comments, `[DONE]` and events without content).
 */
export function eventText(event: string): string {
  const data = event.split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(line.startsWith("data: ") ? 6 : 5));
  if (data.length === 0) return "";
  const payload = data.join("\n");
  if (payload.trim() === "[DONE]") return "";
  const first = payload.trimStart()[0];
  if (first !== "{" && first !== "[") return payload;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return payload;
  }
  const out: string[] = [];
  collect(parsed, false, 0, out);
  return out.join("");
}

function collect(value: unknown, content: boolean, depth: number, out: string[]): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === "string") {
    if (content) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) collect(item, content, depth + 1, out);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      collect(item, CONTENT_KEYS.has(key), depth + 1, out);
    }
  }
}

/** Where findings of the joined text are reported. */
const LOCATION = "response body (text joined across events)";

/** The inbound scanners run over the text an event stream carries. */
export class SseTextScan {
  readonly #text = new SseText();
  readonly #injection: StreamScanner;
  readonly #echoes: StreamScanner | undefined;
  readonly #onWarn: (finding: Finding) => void;

  /**
   * @param engine The engine.
   * @param options The route's inbound detectors, whether known secrets are looked for, and
   *   where warnings go.
   */
  constructor(
    engine: DlpEngine,
    options: {
      detectors: readonly InboundDetector[];
      mirror: boolean;
      onWarn: (finding: Finding) => void;
    },
  ) {
    this.#injection = engine.inboundStream({ detectors: options.detectors, location: LOCATION });
    this.#echoes = options.mirror ? engine.reflectionStream({ location: LOCATION }) : undefined;
    this.#onWarn = options.onWarn;
  }

  /**
   * Scan the text of the events a chunk completes.
   *
   * @returns The first blocking finding: an injection, or a known secret (`known_secrets`).
   */
  push(chunk: Uint8Array): Finding | undefined {
    const text = this.#text.push(chunk);
    if (text.length === 0) return undefined;
    return this.#judge(this.#injection.push(text), this.#echoes?.push(text) ?? []);
  }

  /** Absolute offset just past the last complete event. */
  get eventsEnd(): number {
    return this.#text.eventsEnd;
  }

  /** Flush both scanners at the end of the stream. */
  end(): Finding | undefined {
    return this.#judge(this.#injection.end(), this.#echoes?.end() ?? []);
  }

  #judge(injection: readonly Finding[], echoes: readonly Finding[]): Finding | undefined {
    for (const finding of injection) {
      if (finding.severity === "block") return finding;
      this.#onWarn(finding);
    }
    return echoes[0];
  }
}
