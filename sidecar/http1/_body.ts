// Body de-framing over a ByteSource. Data chunks are yielded as socket buffers (sub-arrays, never
// copies); only chunk-size lines and trailers are looked at byte-wise, and those are bounded.
import { Buffer } from "node:buffer";
import type { ByteSource } from "./_byte_source.ts";
import { HeaderList } from "./header_list.ts";
import { fail } from "./_fail.ts";
import type { Side } from "./_fail.ts";
import { parseField } from "./_parse_head.ts";
import { quote } from "./_syntax.ts";

/** Longest chunk-size line, extensions included; real clients send a few hex digits. */
const MAX_CHUNK_LINE = 1024;
/** 13 hex digits stay below 2^53, so sizes are exact. */
const CHUNK_LINE = /^([0-9A-Fa-f]{1,13})(?:[ \t]*;[\t\x20-\x7e\x80-\xff]*)?$/;

/** What every body reader needs to know. */
export interface BodyOptions {
  /** Who sends the body. */
  side: Side;
  /** Longest wait for the next byte (`bodyStallTimeoutMs`). */
  stallMs: number;
}

/** Options of {@link lengthBody}. */
export interface LengthOptions extends BodyOptions {
  /** Exact body length. */
  length: number;
}

/** Exactly `length` bytes. */
export function lengthBody(
  src: ByteSource,
  options: LengthOptions,
): AsyncGenerator<Buffer, void, undefined> {
  // Handed over as is: a generator delegating to it would cost a few promises per chunk.
  return exactBytes(src, options.length, options);
}

/** The next `count` bytes as they arrive; bytes past them go back to the source. */
async function* exactBytes(
  src: ByteSource,
  count: number,
  options: BodyOptions,
): AsyncGenerator<Buffer, void, undefined> {
  for (let remaining = count; remaining > 0;) {
    const data = await nextUpTo(src, remaining, options);
    remaining -= data.length;
    yield data;
  }
}

/**
 * Exactly `length` bytes, gathered: the chunks as they arrived (bytes past them go back to the
 * source), without an iterator step per chunk. For short bodies that are held whole anyway.
 */
export async function wholeBody(src: ByteSource, options: LengthOptions): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for (let remaining = options.length; remaining > 0;) {
    const data = await nextUpTo(src, remaining, options);
    remaining -= data.length;
    chunks.push(data);
  }
  return chunks;
}

/** The next bytes of a body, at most `most` of them; bytes past them go back to the source. */
async function nextUpTo(src: ByteSource, most: number, options: BodyOptions): Promise<Buffer> {
  const chunk = await nextOrTruncated(src, options);
  if (chunk.length <= most) return chunk;
  src.unshift(chunk.subarray(most));
  return chunk.subarray(0, most);
}

/** Everything until the peer closes (responses without Content-Length/Transfer-Encoding). */
export async function* closeBody(src: ByteSource, options: BodyOptions) {
  for (;;) {
    const chunk = await nextWithin(src, options);
    if (chunk === null) return;
    yield chunk;
  }
}

/** Options of {@link chunkedBody}. */
export interface ChunkedOptions extends BodyOptions {
  /** Bytes of all trailer lines together. */
  maxHeadBytes: number;
  /** Most trailer fields. */
  maxHeaders: number;
  /** Receives the trailer fields once the last chunk was read. */
  onTrailers: (trailers: HeaderList) => void;
}

/** Decode the chunked transfer coding. */
export async function* chunkedBody(src: ByteSource, options: ChunkedOptions) {
  const { side } = options;
  for (;;) {
    const line = await readLine(src, { ...options, max: MAX_CHUNK_LINE, trailer: false });
    const match = CHUNK_LINE.exec(line);
    if (match === null) {
      throw fail("bad-chunk", `invalid chunk size line ${quote(line)}`, { side });
    }
    const size = parseInt(match[1]!, 16);
    if (size === 0) break;
    yield* exactBytes(src, size, options);
    await expectCrlf(src, options);
  }
  options.onTrailers(await readTrailers(src, options));
}

async function readTrailers(src: ByteSource, options: ChunkedOptions): Promise<HeaderList> {
  const { side, maxHeaders } = options;
  const trailers = new HeaderList();
  let budget = options.maxHeadBytes;
  for (;;) {
    const line = await readLine(src, { ...options, max: Math.max(0, budget), trailer: true });
    if (line === "") return trailers;
    budget -= line.length + 2;
    if (trailers.size >= maxHeaders) {
      throw fail("too-many-headers", `more than ${maxHeaders} trailer fields`, { side });
    }
    const [name, value] = parseField(line, side);
    trailers.append(name, value);
  }
}

async function expectCrlf(src: ByteSource, options: BodyOptions): Promise<void> {
  for (const expected of [0x0d, 0x0a]) {
    const chunk = await nextOrTruncated(src, options);
    src.unshift(chunk.subarray(1));
    if (chunk[0] !== expected) {
      throw fail("bad-chunk", "missing CRLF after chunk data", { side: options.side });
    }
  }
}

interface LineOptions extends BodyOptions {
  max: number;
  trailer: boolean;
}

/**
 * Read one CRLF-terminated line of at most `max` bytes (CRLF excluded), decoded as latin1. Bytes
 * past the line go back to the source; only the bytes that can belong to the line are copied.
 */
async function readLine(src: ByteSource, options: LineOptions): Promise<string> {
  const { max, side } = options;
  let acc: Buffer | undefined;
  for (;;) {
    let chunk = await nextOrTruncated(src, options);
    const room = max + 2 - (acc?.length ?? 0);
    if (chunk.length > room) {
      src.unshift(chunk.subarray(room));
      chunk = chunk.subarray(0, room);
    }
    const from = acc?.length ?? 0;
    acc = acc === undefined ? chunk : Buffer.concat([acc, chunk]);
    const lf = acc.indexOf(0x0a, from);
    if (lf >= 0) {
      if (lf === 0 || acc[lf - 1] !== 0x0d) {
        throw fail(options.trailer ? "bad-header" : "bad-chunk", "bare LF in a line", { side });
      }
      src.unshift(acc.subarray(lf + 1));
      return acc.toString("latin1", 0, lf - 1);
    }
    if (acc.length >= max + 2) {
      const code = options.trailer ? "head-too-large" : "bad-chunk";
      throw fail(code, `line longer than ${max} bytes`, { side });
    }
  }
}

async function nextOrTruncated(src: ByteSource, options: BodyOptions): Promise<Buffer> {
  const chunk = await nextWithin(src, options);
  if (chunk === null) {
    throw fail("truncated", "connection closed in the middle of the body", { side: options.side });
  }
  return chunk;
}

/**
 * The next chunk, or null at the end; a peer silent for `stallMs` in the middle of a body (one
 * byte now and then keeps it alive) holds the connection no longer.
 */
async function nextWithin(src: ByteSource, options: BodyOptions): Promise<Buffer | null> {
  // A chunk already queued (most of them, in a transfer) needs no wait.
  const queued = src.take();
  if (queued !== undefined) return queued;
  if (!await src.wait(options.stallMs)) {
    throw fail("body-timeout", `nothing arrived for ${options.stallMs} ms in the body`, {
      side: options.side,
    });
  }
  return await src.next();
}
