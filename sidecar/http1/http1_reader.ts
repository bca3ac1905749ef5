/**
 * Reading HTTP/1.x messages (requests from clients, responses from upstreams) off a socket.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Duplex } from "node:stream";
import { ByteSource } from "./_byte_source.ts";
import type { ReadAhead } from "./read_ahead.ts";
import { chunkedBody, closeBody, lengthBody, wholeBody } from "./_body.ts";
import { fail } from "./_fail.ts";
import type { Side } from "./_fail.ts";
import { parseRequestHead, parseResponseHead } from "./_parse_head.ts";
import { requestFraming, responseFraming } from "./framing.ts";
import { HeaderList } from "./header_list.ts";
import { DEFAULT_LIMITS } from "./types.ts";
import type { Framing, Limits, ParsedRequest, ParsedResponse } from "./types.ts";

type BodyState = "done" | "unread" | "reading";

/**
 * Reads a stream of messages from one connection: call `readRequestHead()` (or
 * `readResponseHead()`), then consume `body()` to the end, then read the next head. Bodies are
 * yielded as they arrive; the socket is paused while 32 KiB waits unconsumed (16 KiB while the
 * readers sharing its {@link ReadAhead} queue more than their allowance).
 * After an {@link HttpParseError} the connection is out of sync: answer and close it.
 */
export class Http1Reader {
  #src: ByteSource;
  #limits: Limits;
  #side: Side = "request";
  #heads = 0;
  #framing: Framing = { kind: "none" };
  #body: BodyState = "done";
  /** Made when a chunked body has trailers or someone asks (most messages never do). */
  #trailers: HeaderList | undefined;
  #failure: unknown = null;
  #detached = false;

  /**
   * @param socket A connected `net.Socket` or `tls.TLSSocket` (any `Duplex`). The reader
   *   listens to it until `detach()`.
   * @param limits Overrides of {@link DEFAULT_LIMITS}.
   * @param options `counted` hears the size of every chunk the socket delivers (the proxy
   *   paces its garbage collections by it); `readAhead`, the allowance it shares with the
   *   process's other readers for what they queue (default: its own).
   */
  constructor(
    socket: Duplex,
    limits: Partial<Limits> = {},
    options: {
      counted?: ((bytes: number) => void) | undefined;
      readAhead?: ReadAhead | undefined;
    } = {},
  ) {
    this.#src = new ByteSource(socket, options.counted, options.readAhead);
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Bytes received but not consumed yet (32 KiB at most, plus one socket read). */
  get buffered(): number {
    return this.#src.buffered;
  }

  /** Trailer fields of the last chunked body, once it was read to the end (else empty). */
  get trailers(): HeaderList {
    return this.#trailers ??= new HeaderList();
  }

  /**
   * Read the next request head. On a fresh connection the head must be complete within
   * `headTimeoutMs`; between kept-alive requests the wait for a first byte is `idleTimeoutMs`.
   *
   * @returns The head with its body framing, or null when the connection ended (or idled out)
   *   cleanly before a new request started.
   * @throws {HttpParseError} With the status to answer (400, 408, 414, 431, 501, 505).
   */
  async readRequestHead(): Promise<ParsedRequest | null> {
    this.#beginHead("request");
    const fresh = this.#heads === 0;
    // Failures are kept inline, without a closure and an async frame per head (issue 16).
    let head: ParsedRequest;
    try {
      const bytes = await this.#readHead(
        fresh ? this.#limits.headTimeoutMs : this.#limits.idleTimeoutMs,
        fresh,
      );
      if (bytes === null) return null;
      const parsed = parseRequestHead(bytes.toString("latin1"), this.#limits.maxHeaders);
      head = {
        method: parsed.method,
        target: parsed.target,
        version: parsed.version,
        headers: parsed.headers,
        framing: requestFraming(parsed),
      };
    } catch (err) {
      this.#failure = err;
      throw err;
    }
    this.#beginBody(head.framing);
    return head;
  }

  /**
   * Read the next response head. Interim 1xx heads (100 Continue, 103) are returned like any
   * other, with `framing: none`: forward or skip them and read again. After a 101 or a 2xx to
   * CONNECT, `detach()` the socket.
   *
   * @param method Method of the request this answers (HEAD and CONNECT decide the framing).
   * @returns The head with its body framing.
   * @throws {HttpParseError} 502 for malformed input or a close before the head, 504 when the
   *   first byte takes longer than `responseTimeoutMs` or the head longer than `headTimeoutMs`.
   */
  async readResponseHead(method: string): Promise<ParsedResponse> {
    this.#beginHead("response");
    let head: ParsedResponse;
    try {
      const bytes = await this.#readHead(this.#limits.responseTimeoutMs, false);
      if (bytes === null) {
        throw fail("closed-before-response", "connection closed before any response", {
          side: "response",
        });
      }
      const parsed = parseResponseHead(bytes.toString("latin1"), this.#limits.maxHeaders);
      head = {
        status: parsed.status,
        reason: parsed.reason,
        version: parsed.version,
        headers: parsed.headers,
        framing: responseFraming(parsed, method),
      };
    } catch (err) {
      this.#failure = err;
      throw err;
    }
    this.#beginBody(head.framing);
    return head;
  }

  /**
   * The de-framed body of the message whose head was read last: exact for Content-Length,
   * decoded for chunked (trailers land in `trailers`), until EOF for close-delimited responses,
   * empty for `none`. Read it to the end before asking for the next head; stopping early leaves
   * the connection out of sync, so close it then.
   *
   * @throws {HttpParseError} While iterating, for bad chunk syntax or a close mid-body; a socket
   *   error is rethrown as is.
   */
  body(): AsyncIterable<Uint8Array> {
    if (this.#body === "reading") throw new Error("Cannot read the body twice at the same time");
    if (this.#body === "done") return emptyBody();
    this.#body = "reading";
    return this.#iterate(this.#framing);
  }

  /**
   * The whole body of the message whose head was read last, when its length is declared: its
   * chunks as they arrived, gathered without an iterator step per chunk (for short bodies held
   * whole anyway). Afterwards the next head may be read, as after {@link body}.
   *
   * @throws {TypeError} When the message has a body of no declared length (use {@link body}).
   * @throws {HttpParseError} For a close or a stall mid-body; a socket error is rethrown as is.
   */
  async wholeBody(): Promise<Buffer[]> {
    if (this.#body === "done") return [];
    const framing = this.#framing;
    if (framing.kind !== "length") {
      throw new TypeError("Cannot read a body of no declared length whole");
    }
    if (this.#body === "reading") throw new Error("Cannot read the body twice at the same time");
    this.#body = "reading";
    try {
      const chunks = await wholeBody(this.#src, {
        side: this.#side,
        stallMs: this.#limits.bodyStallTimeoutMs,
        length: framing.length,
      });
      this.#body = "done";
      return chunks;
    } catch (err) {
      this.#failure ??= err;
      throw err;
    }
  }

  /**
   * Stop reading and hand back the connection, for a CONNECT tunnel or a 101 upgrade.
   *
   * @returns The socket, paused and with the reader's listeners (including 'error') removed, and
   *   every byte already received past the last head (e.g. an early TLS ClientHello).
   */
  detach(): { socket: Duplex; buffered: Uint8Array } {
    this.#detached = true;
    return this.#src.detach();
  }

  async *#iterate(framing: Framing): AsyncGenerator<Uint8Array, void, undefined> {
    const src = this.#src;
    const options = { side: this.#side, stallMs: this.#limits.bodyStallTimeoutMs };
    let body: AsyncGenerator<Buffer, void, undefined>;
    if (framing.kind === "length") body = lengthBody(src, { ...options, length: framing.length });
    else if (framing.kind === "close") body = closeBody(src, options);
    else {
      body = chunkedBody(src, {
        ...options,
        maxHeadBytes: this.#limits.maxHeadBytes,
        maxHeaders: this.#limits.maxHeaders,
        onTrailers: (trailers) => {
          this.#trailers = trailers;
        },
      });
    }
    try {
      yield* body;
      this.#body = "done";
    } catch (err) {
      this.#failure ??= err;
      throw err;
    }
  }

  #beginHead(side: Side): void {
    if (this.#detached) throw new Error("Cannot read from a detached reader");
    if (this.#failure !== null) throw this.#failure;
    if (this.#body !== "done") {
      throw new Error("Cannot read the next head: the previous body was not read to the end");
    }
    this.#side = side;
    this.#trailers = undefined;
  }

  #beginBody(framing: Framing): void {
    this.#heads++;
    this.#framing = framing;
    const empty = framing.kind === "none" || (framing.kind === "length" && framing.length === 0);
    this.#body = empty ? "done" : "unread";
  }

  /**
   * Collect bytes up to CRLF CRLF. `firstByteMs` bounds the wait for the first byte; from then
   * (or from the call, for a fresh connection) the head has `headTimeoutMs` to complete.
   */
  async #readHead(firstByteMs: number, deadlineNow: boolean): Promise<Buffer | null> {
    const side = this.#side;
    const limits = this.#limits;
    const src = this.#src;
    const called = Date.now();
    let deadline = deadlineNow ? called + limits.headTimeoutMs : Infinity;
    let acc: Buffer | undefined;
    let started = side === "response";
    let scanned = 0;
    for (;;) {
      let chunk = src.take();
      if (chunk === undefined) {
        const until = deadline === Infinity ? called + firstByteMs : deadline;
        if (!(await src.wait(until - Date.now()))) {
          if (!started && side === "request") return null;
          if (acc === undefined) {
            throw fail("response-timeout", `no response within ${firstByteMs} ms`, { side });
          }
          throw fail("head-timeout", `head not complete within ${limits.headTimeoutMs} ms`, {
            side,
          });
        }
        chunk = src.take();
        if (chunk === undefined) {
          if (!started && side === "request") return null;
          // Nothing at all arrived: for a response that is its own case (an idle kept-alive
          // connection the upstream closed), which a proxy may retry on a fresh connection.
          if (acc === undefined && side === "response") {
            throw fail("closed-before-response", "connection closed before any response", {
              side,
              cause: src.error,
            });
          }
          throw fail("truncated", "connection closed before the head ended", {
            side,
            cause: src.error,
          });
        }
      }
      if (deadline === Infinity) deadline = Date.now() + limits.headTimeoutMs;
      acc = acc === undefined ? chunk : Buffer.concat([acc, chunk]);
      if (!started) {
        acc = skipEmptyLines(acc);
        if (acc.length === 0) acc = undefined;
        if (acc === undefined || (acc.length === 1 && acc[0] === 0x0d)) continue;
        started = true;
      }
      const end = headEnd(acc, scanned, side);
      if (end >= 0) {
        if (end + 4 > limits.maxHeadBytes) throw tooLarge(acc, limits.maxHeadBytes, side);
        src.unshift(acc.subarray(end + 4));
        return acc.subarray(0, end);
      }
      if (acc.length >= limits.maxHeadBytes) throw tooLarge(acc, limits.maxHeadBytes, side);
      scanned = acc.length;
    }
  }
}

async function* emptyBody(): AsyncGenerator<Uint8Array, void, undefined> {}

// RFC 9112 §2.2: a server should ignore empty lines before a request line.
function skipEmptyLines(buf: Buffer): Buffer {
  let i = 0;
  while (i + 1 < buf.length && buf[i] === 0x0d && buf[i + 1] === 0x0a) i += 2;
  return i === 0 ? buf : buf.subarray(i);
}

/**
 * Where the head's CRLF CRLF starts, looking at the line feeds from `from` on (-1: not arrived
 * yet). A bare LF before it is rejected as soon as it arrives; otherwise an LF-only head would
 * wait for a CRLF CRLF that never comes and fail with a misleading 408/431. One pass over the
 * bytes: Deno's `Buffer.indexOf` is a JS search, and two of them per head showed in the profile
 * of small requests (issue 16).
 */
function headEnd(buf: Uint8Array, from: number, side: Side): number {
  for (let i = from; i < buf.length; i++) {
    if (buf[i] !== 0x0a) continue;
    if (i === 0 || buf[i - 1] !== 0x0d) throw fail("bad-header", "bare LF in the head", { side });
    if (i >= 3 && buf[i - 2] === 0x0a && buf[i - 3] === 0x0d) return i - 3;
  }
  return -1;
}

function tooLarge(buf: Buffer, max: number, side: Side) {
  const lineEnd = buf.indexOf("\r\n", 0, "latin1");
  if (lineEnd < 0 || lineEnd >= max) {
    return fail("line-too-long", `start line longer than ${max} bytes`, { side });
  }
  return fail("head-too-large", `head larger than ${max} bytes`, { side });
}
