import type { Buffers } from "./_buffers.ts";
import type { Finding, StreamScanner } from "./_types.ts";
import { alignedBytes, NO_BYTES, type ScanPass, ScanWindow } from "./_window.ts";

/**
 * Drives passes over a byte stream. Each push scans `tail + chunk`, where the tail is the part of
 * the previous window some pass may still read (`keepFrom`), so a match split across chunks is
 * seen whole. Passes remember how far they got, so the tail is never scanned twice.
 */
export class PassStream implements StreamScanner {
  readonly #passes: readonly ScanPass[];
  /** Absolute offset of `#buf[0]`. */
  #base = 0;
  /**
   * Holds the current window in `[0, #length)`; the next one is made in place (the tail moved to
   * the front). Between pushes a stream holds only its tail: a big window buffer goes back to the
   * engine's spares, so hundreds of open streams do not each keep a chunk-sized buffer.
   */
  #buf = NO_BYTES;
  #length = 0;
  #ended = false;
  readonly #buffers: Buffers | undefined;

  /**
   * Stream over the given passes (each used by this stream only).
   *
   * @param buffers Where window buffers are taken from and given back to when the stream ends.
   */
  constructor(passes: readonly ScanPass[], buffers?: Buffers) {
    this.#passes = passes;
    this.#buffers = buffers;
  }

  push(chunk: Uint8Array): Finding[] {
    if (this.#ended) throw new TypeError("Cannot push to a DLP stream after end()");
    return this.#scan(chunk, false);
  }

  end(): Finding[] {
    if (this.#ended) return [];
    this.#ended = true;
    return this.#scan(NO_BYTES, true);
  }

  get settled(): number {
    const end = this.#base + this.#length;
    return this.#ended ? end : Math.min(end, this.#keepFrom());
  }

  #keepFrom(): number {
    let keep = this.#base + this.#length;
    for (const pass of this.#passes) keep = Math.min(keep, pass.keepFrom());
    return keep;
  }

  #scan(chunk: Uint8Array, final: boolean): Finding[] {
    if (this.#passes.length === 0) {
      this.#base += this.#length + chunk.length;
      this.#length = 0;
      return [];
    }
    const keep = Math.max(this.#base, this.#keepFrom()) & ~3;
    const from = keep - this.#base;
    const tail = this.#length - from;
    const length = tail + chunk.length;
    if (this.#buf.length < length) {
      const size = length + (length >>> 1);
      const grown = this.#buffers?.take(length, { fresh: size }) ?? alignedBytes(size);
      grown.set(this.#buf.subarray(from, this.#length));
      this.#buffers?.give(this.#buf);
      this.#buf = grown;
    } else if (from > 0) {
      this.#buf.copyWithin(0, from, this.#length);
    }
    this.#buf.set(chunk, tail);
    this.#base = keep;
    this.#length = length;
    const win = new ScanWindow(keep, this.#buf.subarray(0, length), final);
    const out: Finding[] = [];
    for (const pass of this.#passes) pass.scan(win, out);
    if (final) {
      // Nothing reads the window again.
      this.#buffers?.give(this.#buf);
      this.#buf = NO_BYTES;
    } else {
      this.#shrink();
    }
    return sortFindings(out);
  }

  /**
   * Move the tail the passes still need into a buffer of its size when the window buffer is
   * much bigger, and lend the big one out until the next push. Passes read the window only
   * during `scan`, so no one holds the bytes given back.
   */
  #shrink(): void {
    const buf = this.#buf;
    if (buf.length <= LENT || this.#buffers === undefined) return;
    const keep = Math.max(this.#base, this.#keepFrom()) & ~3;
    const from = keep - this.#base;
    const tail = this.#length - from;
    if (tail > buf.length >>> 2) return;
    // A spare too (kept while the stream is open, so never one much longer than the tail): a
    // download pushes a TLS record at a time, and a new typed array per push costs microseconds.
    const size = Math.max(tail, HELD);
    const held = this.#buffers.take(size, { most: 2 * size });
    held.set(buf.subarray(from, this.#length));
    this.#buffers.give(buf);
    this.#buf = held;
    this.#base = keep;
    this.#length = tail;
  }
}

/**
 * A window buffer up to this size stays with its stream between pushes (short bodies, a chunk or
 * two, would only trade it for a copy each push); a longer one is lent out.
 */
const LENT = 16 * 1024;
/** The least a stream holds for its tail once it lent its window buffer out. */
const HELD = 1024;

/** Findings in stream order. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
