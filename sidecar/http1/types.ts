/**
 * Shapes shared by the HTTP/1.1 reader and writer.
 *
 * @module
 */
import type { HeaderList } from "./header_list.ts";

/** The HTTP versions this codec speaks. */
export type HttpVersion = "HTTP/1.0" | "HTTP/1.1";

/** A request line plus its header fields. */
export interface RequestHead {
  /** Method token, case-sensitive (`GET`, `CONNECT`, …). */
  method: string;
  /** Request target exactly as sent: origin-, absolute-, authority- or asterisk-form. */
  target: string;
  /** Protocol version of the message. */
  version: HttpVersion;
  /** Header fields in wire order. */
  headers: HeaderList;
}

/** A status line plus its header fields. */
export interface ResponseHead {
  /** Three-digit status code. */
  status: number;
  /** Reason phrase (may be empty). */
  reason: string;
  /** Protocol version of the message. */
  version: HttpVersion;
  /** Header fields in wire order. */
  headers: HeaderList;
}

/**
 * How a message body is delimited on the wire: no body, exactly `length` bytes, chunked transfer
 * coding, or (responses only) until the connection closes.
 */
export type Framing =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" }
  | { readonly kind: "close" };

/** A request head read off the wire, with the body framing its headers declare. */
export interface ParsedRequest extends RequestHead {
  /** Framing of the body that follows; read it with `Http1Reader.body()`. */
  framing: Framing;
}

/** A response head read off the wire, with the body framing its status and headers declare. */
export interface ParsedResponse extends ResponseHead {
  /** Framing of the body that follows; read it with `Http1Reader.body()`. */
  framing: Framing;
}

/** Resource limits of one reader; tests shrink them, production keeps the defaults. */
export interface Limits {
  /** Largest head (start line + fields) or trailer section in bytes. Over → 431 (414 for the line). */
  maxHeadBytes: number;
  /** Most header fields in one head or trailer section. Over → 431. */
  maxHeaders: number;
  /** Once a head has started (or a fresh connection opened), it must be complete within this. */
  headTimeoutMs: number;
  /** Longest wait for the next request on a kept-alive connection; then `readRequestHead()` → null. */
  idleTimeoutMs: number;
  /** Longest wait for the first byte of a response after the request was sent. Over → 504. */
  responseTimeoutMs: number;
  /** Longest wait for more of a request body once it has started (a client stalled). Over → 408. */
  bodyIdleTimeoutMs: number;
}

/** The limits a reader uses unless told otherwise. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxHeadBytes: 64 * 1024,
  maxHeaders: 100,
  headTimeoutMs: 10_000,
  idleTimeoutMs: 60_000,
  responseTimeoutMs: 300_000,
  bodyIdleTimeoutMs: 60_000,
});
