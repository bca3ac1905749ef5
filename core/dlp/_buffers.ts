/**
 * Spare byte buffers, lent to the scans of one engine: window buffers, escape contexts, the
 * tails, prefixes and decoded batches of run views, joined inputs and the bytes of one-shot scans
 * are taken here and given back when the scan (or the decoded stretch or run) ends, so short
 * scans, the proxy's usual case, do not each allocate buffers and leave them to the collector.
 * Buffers come back with their old bytes: a taker reads only what it wrote.
 */
import { alignedBytes } from "./_window.ts";

/**
 * Buffers kept per size class (lengths in `(2^(c-1), 2^c]`): two of the big classes, more of the
 * small ones (up to 16 KiB a class). A body with escapes holds several small buffers at once
 * (the tails and contexts of the views of each layer), and in Deno a new typed array of any size
 * costs about a microsecond.
 */
function perClass(c: number): number {
  return Math.max(2, Math.min(16, (16 * 1024) >>> c));
}
/** A bigger buffer is left to the collector, so what is kept stays small. */
const LARGEST = 256 * 1024;

/** The size class of a length: the least `c` with `length <= 2^c`. */
function classOf(length: number): number {
  return length <= 1 ? 0 : 32 - Math.clz32(length - 1);
}

/** How {@link Buffers.take} picks: the longest spare worth taking, the size of a new one. */
export interface TakeOptions {
  most?: number;
  fresh?: number;
}

/**
 * The spare buffers of one engine, a few of each size class. Why classes: kept by length alone,
 * the spares filled up with window-sized buffers and every short body's escape context was a
 * fresh buffer (1.3 allocations per body of the benign corpus); a class keeps its own.
 */
export class Buffers {
  readonly #spare: Uint8Array[][] = Array.from({ length: classOf(LARGEST) + 1 }, () => []);

  /**
   * A 4-byte aligned buffer (from offset 0 of its own store) of at least `length` bytes.
   *
   * @param length The bytes needed.
   * @param options `most`: the longest spare worth taking (a buffer a stream keeps while it is
   *   open, an escape context, must not pin a window-sized one). `fresh`: the length of a new
   *   buffer when no spare fits and more room than `length` is wanted (a window that grows). Any
   *   spare of `length` bytes still serves it: asking the spares for the roomier length missed
   *   every time a stream's window grew by a few bytes, so each push of a long stream allocated a
   *   new window (a fifth of a plain-text scan's time).
   * @returns The shortest spare that is long enough (and no longer than `most`), else a new one
   *   of `fresh` bytes.
   */
  take(length: number, options: TakeOptions = {}): Uint8Array {
    const { most = Infinity, fresh = length } = options;
    const spare = this.#spare;
    for (let c = classOf(length); c < spare.length && 2 ** (c - 1) < most; c++) {
      const kept = spare[c]!;
      let best = -1;
      for (let k = 0; k < kept.length; k++) {
        const size = kept[k]!.length;
        if (size < length || size > most) continue;
        if (best < 0 || size < kept[best]!.length) best = k;
      }
      if (best < 0) continue;
      const buffer = kept[best]!;
      kept[best] = kept[kept.length - 1]!;
      kept.pop();
      return buffer;
    }
    return alignedBytes(Math.max(length, fresh));
  }

  /** Give back a buffer its taker no longer reads (kept if its class has room). */
  give(buffer: Uint8Array): void {
    if (buffer.length === 0 || buffer.length > LARGEST) return;
    const c = classOf(buffer.length);
    const kept = this.#spare[c]!;
    if (kept.length < perClass(c)) kept.push(buffer);
  }
}
