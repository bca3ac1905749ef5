/**
 * Writing HTTP/1.x messages (requests to upstreams, responses to clients) onto a socket.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { Duplex, Writable } from "node:stream";
import { clearImmediate, setImmediate } from "node:timers";
import type { HeaderList } from "./header_list.ts";
import { FIELD_VALUE, TARGET, TOKEN } from "./_syntax.ts";
import type { Framing, RequestHead, ResponseHead } from "./types.ts";

const CRLF = "\r\n";

/** Messages up to this size are coalesced into a single socket write. */
const SMALL_WRITE = 16 * 1024;

function totalLength(parts: readonly (Uint8Array | string)[]): number {
  let n = 0;
  for (const part of parts) n += part.length;
  return n;
}

/** Encodes ASCII text natively; Buffer's latin1 encoder is a loop in JS (a TextEncoder is stateless). */
const ASCII = new TextEncoder();

function toBytes(part: Uint8Array | string): Uint8Array {
  return typeof part === "string" ? joinBytes([part], part.length) : part;
}

/** The parts in one buffer of `total` bytes, strings as latin1. */
function joinBytes(parts: readonly (Uint8Array | string)[], total: number): Buffer {
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const part of parts) {
    if (typeof part === "string") latin1Into(part, out, at);
    else out.set(part, at);
    at += part.length;
  }
  return out;
}

function latin1Into(text: string, out: Buffer, at: number): void {
  const { read } = ASCII.encodeInto(text, out.subarray(at, at + text.length));
  // Only ASCII fits its own length in UTF-8 (where it equals latin1); rewrite anything else.
  if (read !== text.length) out.write(text, at, "latin1");
}

/**
 * Writes one message at a time: a head, body chunks, then `end()`. The writer owns the framing
 * fields: it drops every Content-Length and Transfer-Encoding from the head it is given and writes
 * the ones `framing` calls for, so a forwarded message can never carry conflicting framing.
 * The head is held until the first body write (one socket write for small messages) or the next
 * event-loop turn, whichever comes first. Something else (usually the reader) must listen for
 * the socket's 'error' events.
 */
export class Http1Writer {
  #socket: Duplex;
  #framing: Framing | null = null;
  #remaining = 0;
  /** The held head's text (latin1), encoded when it is sent. */
  #head: string | null = null;
  #flushTimer: ReturnType<typeof setImmediate> | undefined;

  /** @param socket A connected `net.Socket` or `tls.TLSSocket` (any `Duplex`). */
  constructor(socket: Duplex) {
    this.#socket = socket;
  }

  /**
   * Start a request. `none` framing writes neither Content-Length nor Transfer-Encoding.
   *
   * @param head Method, target, version and fields to send.
   * @param framing How the body that follows is delimited (`close` is not allowed).
   * @throws {TypeError} For an invalid method or target, or `close` framing.
   */
  writeRequestHead(head: RequestHead, framing: Framing): void {
    if (!TOKEN.test(head.method)) throw new TypeError(`Cannot write request: invalid method`);
    if (!TARGET.test(head.target)) throw new TypeError(`Cannot write request: invalid target`);
    if (framing.kind === "close") {
      throw new TypeError("Cannot write request: a request body cannot be close-delimited");
    }
    const line = `${head.method} ${head.target} ${head.version}${CRLF}`;
    this.#begin(line + fields(head.headers, framing, false), framing);
  }

  /**
   * Start a response. With `none` framing an existing Content-Length is kept (it describes the
   * representation of a HEAD or 304 answer); with `close` a `Connection: close` is written and
   * `end()` closes the socket. An HTTP/1.0 client understands only `length`, `none` and `close`.
   *
   * @param head Status, reason, version and fields to send.
   * @param framing How the body that follows is delimited.
   * @throws {TypeError} For a status outside 100–999 or a reason with control characters.
   */
  writeResponseHead(head: ResponseHead, framing: Framing): void {
    if (!Number.isInteger(head.status) || head.status < 100 || head.status > 999) {
      throw new TypeError(`Cannot write response: invalid status ${head.status}`);
    }
    if (!FIELD_VALUE.test(head.reason)) {
      throw new TypeError("Cannot write response: the reason phrase has control characters");
    }
    const line = `${head.version} ${head.status} ${head.reason}${CRLF}`;
    this.#begin(line + fields(head.headers, framing, true), framing);
  }

  /**
   * Write body bytes, framed as the head declared. Empty chunks are skipped (a zero-length
   * write on a Deno TLS socket fails). Several parts go out as one write (one chunk of a chunked
   * body): a body relayed in pieces (what the DLP hold releases) then costs one TLS record and one
   * socket write per release, not one per piece.
   *
   * @param chunk The bytes, or the parts that follow one another.
   * @returns Once the socket accepted the bytes without exceeding its buffer ('drain').
   * @throws {RangeError} When the body outgrows its Content-Length.
   * @throws {TypeError} When the message has no body.
   * @throws {Error} When no head was written or the connection is closed.
   */
  async write(chunk: Uint8Array | readonly Uint8Array[]): Promise<void> {
    const framing = this.#current();
    const parts = chunk instanceof Uint8Array ? [chunk] : chunk.filter((part) => part.length > 0);
    const length = totalLength(parts);
    if (length === 0) return;
    if (framing.kind === "none") throw new TypeError("Cannot write a body: this message has none");
    if (framing.kind === "length") {
      if (length > this.#remaining) {
        throw new RangeError(
          `Cannot write a body longer than its Content-Length ${framing.length}`,
        );
      }
      this.#remaining -= length;
    }
    if (framing.kind === "chunked") {
      await this.#send([length.toString(16) + CRLF, ...parts, CRLF]);
    } else {
      await this.#send(parts);
    }
  }

  /**
   * Take back a head not yet on the wire (no body byte written, next event-loop turn not come),
   * so an error answer can be written in its place.
   *
   * @returns True when the head was taken back; false when none is held (already sent, or none).
   */
  retractHead(): boolean {
    if (this.#head === null) return false;
    clearImmediate(this.#flushTimer);
    this.#flushTimer = undefined;
    this.#head = null;
    this.#framing = null;
    return true;
  }

  /**
   * Finish the message: the last chunk and optional trailers for `chunked`, closing the socket
   * for `close`. The writer is then ready for the next head.
   *
   * @param trailers Trailer fields (chunked framing only; ignored otherwise).
   * @throws {RangeError} When a Content-Length body is shorter than declared; the peer would
   *   wait for the missing bytes, so destroy the socket.
   */
  end(trailers?: HeaderList): Promise<void> {
    // Not an async function: every message ends here, and an async frame and its promise per
    // call showed in the allocation profile of small requests (issue 16).
    let framing: Framing;
    try {
      framing = this.#current();
    } catch (err) {
      return Promise.reject(err);
    }
    if (framing.kind === "length" && this.#remaining > 0) {
      return Promise.reject(
        new RangeError(
          `Cannot end a body ${this.#remaining} bytes short of its Content-Length ${framing.length}`,
        ),
      );
    }
    this.#framing = null;
    let sent: Promise<void> | undefined;
    if (framing.kind === "chunked") {
      let tail = `0${CRLF}`;
      trailers?.forEach((name, value) => tail += `${name}: ${value}${CRLF}`);
      sent = this.#send([tail + CRLF]);
    } else if (this.#head !== null) {
      sent = this.#send([]);
    }
    if (framing.kind === "close") {
      return (sent ?? Promise.resolve()).then(() => endSocket(this.#socket));
    }
    return sent ?? Promise.resolve();
  }

  #begin(head: string, framing: Framing): void {
    if (this.#framing !== null) {
      throw new Error("Cannot write a head: the previous message was not ended");
    }
    this.#framing = framing;
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    this.#head = head;
    // A streamed body may take a while to start; do not keep the peer waiting for the head. The
    // flush is scheduled only if the head is still held once this synchronous run is over: a
    // bodiless message ended at once (a GET sent upstream) never needs a timer.
    queueMicrotask(() => this.#scheduleFlush());
  }

  #scheduleFlush(): void {
    if (this.#head === null || this.#flushTimer !== undefined) return;
    this.#flushTimer = setImmediate(() => {
      this.#flushTimer = undefined;
      // A failure here resurfaces at the next write() or end(), which the caller awaits.
      if (this.#head !== null && isOpen(this.#socket)) this.#send([]).catch(() => {});
    });
  }

  #current(): Framing {
    if (this.#framing === null) throw new Error("Cannot write a body: no head was written");
    return this.#framing;
  }

  #send(parts: (Uint8Array | string)[]): Promise<void> {
    const socket = this.#socket;
    if (!isOpen(socket)) return Promise.reject(new Error("Cannot write: the connection is closed"));
    if (this.#head !== null) {
      parts.unshift(this.#head);
      this.#head = null;
      clearImmediate(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    let ok = true;
    const total = totalLength(parts);
    if (parts.length === 1 && typeof parts[0] !== "string") ok = socket.write(parts[0]!);
    else if (parts.length > 0 && total <= SMALL_WRITE) {
      // One buffer, one write: on a TLS socket each write is a separate record and op call.
      ok = socket.write(joinBytes(parts, total));
    } else if (parts.length > 0) {
      socket.cork();
      for (const part of parts) ok = socket.write(toBytes(part));
      socket.uncork();
    }
    return ok ? Promise.resolve() : drained(socket);
  }
}

// Serialize the fields with the framing fields replaced; the list already validated every field.
function fields(headers: HeaderList, framing: Framing, response: boolean): string {
  const keepLength = response && framing.kind === "none";
  let out = "";
  headers.forEach((name, value, key) => {
    if (key === "transfer-encoding" || (key === "content-length" && !keepLength)) return;
    if (key === "connection" && framing.kind === "close") return;
    out += `${name}: ${value}${CRLF}`;
  });
  if (framing.kind === "length") out += `Content-Length: ${framing.length}${CRLF}`;
  if (framing.kind === "chunked") out += `Transfer-Encoding: chunked${CRLF}`;
  if (framing.kind === "close") out += `Connection: close${CRLF}`;
  return out + CRLF;
}

function isOpen(socket: Duplex): boolean {
  return !socket.destroyed && !socket.writableEnded;
}

function drained(socket: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      socket.off("drain", onDrain);
      socket.off("close", onClose);
      socket.off("error", settle);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error("Cannot write: the connection closed"));
    socket.on("drain", onDrain);
    socket.on("close", onClose);
    socket.on("error", settle);
  });
}

function endSocket(socket: Duplex): Promise<void> {
  if (socket.writableFinished || socket.destroyed) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const settle = (err?: Error) => {
      socket.off("finish", onFinish);
      socket.off("close", onFinish);
      socket.off("error", settle);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onFinish = () => settle();
    socket.on("finish", onFinish);
    socket.on("close", onFinish);
    socket.on("error", settle);
    socket.end();
  });
}
