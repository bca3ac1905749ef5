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

/** Options of {@link lengthBody}. */
export interface LengthOptions {
  /** Exact body length. */
  length: number;
  /** Who sends the body. */
  side: Side;
  /** Longest wait for the next bytes; none when absent. */
  idleMs?: number;
}

/** Exactly `length` bytes. */
export async function* lengthBody(src: ByteSource, options: LengthOptions) {
  yield* exactBytes(src, options.length, options);
}

/** How a body's bytes are awaited: who sends them, and for how long at most. */
interface Wait {
  side: Side;
  idleMs?: number;
}

/** The next `count` bytes as they arrive; bytes past them go back to the source. */
async function* exactBytes(src: ByteSource, count: number, wait: Wait) {
  let remaining = count;
  while (remaining > 0) {
    const chunk = await nextOrTruncated(src, wait);
    if (chunk.length > remaining) {
      src.unshift(chunk.subarray(remaining));
      const data = chunk.subarray(0, remaining);
      remaining = 0;
      yield data;
    } else {
      remaining -= chunk.length;
      yield chunk;
    }
  }
}

/** Everything until the peer closes (responses without Content-Length/Transfer-Encoding). */
export async function* closeBody(src: ByteSource) {
  for (;;) {
    const chunk = await src.next();
    if (chunk === null) return;
    yield chunk;
  }
}

/** Options of {@link chunkedBody}. */
export interface ChunkedOptions {
  /** Who sends the body. */
  side: Side;
  /** Bytes of all trailer lines together. */
  maxHeadBytes: number;
  /** Most trailer fields. */
  maxHeaders: number;
  /** Receives the trailer fields once the last chunk was read. */
  onTrailers: (trailers: HeaderList) => void;
  /** Longest wait for the next bytes; none when absent. */
  idleMs?: number;
}

/** Decode the chunked transfer coding. */
export async function* chunkedBody(src: ByteSource, options: ChunkedOptions) {
  const { side } = options;
  for (;;) {
    const line = await readLine(src, { max: MAX_CHUNK_LINE, trailer: false, ...waitOf(options) });
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
    const line = await readLine(src, {
      max: Math.max(0, budget),
      trailer: true,
      ...waitOf(options),
    });
    if (line === "") return trailers;
    budget -= line.length + 2;
    if (trailers.size >= maxHeaders) {
      throw fail("too-many-headers", `more than ${maxHeaders} trailer fields`, { side });
    }
    const [name, value] = parseField(line, side);
    trailers.append(name, value);
  }
}

async function expectCrlf(src: ByteSource, wait: Wait): Promise<void> {
  for (const expected of [0x0d, 0x0a]) {
    const chunk = await nextOrTruncated(src, wait);
    src.unshift(chunk.subarray(1));
    if (chunk[0] !== expected) {
      throw fail("bad-chunk", "missing CRLF after chunk data", { side: wait.side });
    }
  }
}

interface LineOptions extends Wait {
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

function waitOf(options: Wait): Wait {
  return options.idleMs === undefined
    ? { side: options.side }
    : { side: options.side, idleMs: options.idleMs };
}

async function nextOrTruncated(src: ByteSource, wait: Wait): Promise<Buffer> {
  const { side, idleMs } = wait;
  // A sender that stalls mid-body would hold the connection (and, in a proxy, the upstream's)
  // for ever: past the idle bound the body fails like a head that took too long.
  if (idleMs !== undefined && !(await src.wait(idleMs))) {
    throw fail("body-timeout", `no body bytes for ${idleMs} ms`, { side });
  }
  const chunk = await src.next();
  if (chunk === null) {
    throw fail("truncated", "connection closed in the middle of the body", { side });
  }
  return chunk;
}
