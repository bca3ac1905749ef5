/**
 * Spare byte buffers, lent to the streams of one engine: a scan's window buffer and its escape
 * context are taken here and given back when the scan (or the decoded stretch or run) ends, so
 * short scans, the proxy's usual case, do not each allocate buffers and leave them to the
 * collector. Buffers come back with their old bytes: a taker reads only what it wrote.
 */
import { alignedBytes } from "./_window.ts";

/** Buffers kept for reuse. */
const KEEP = 8;
/** A bigger buffer is left to the collector, so what is kept stays small. */
const LARGEST = 256 * 1024;

/** The spare buffers of one engine. */
export class Buffers {
  readonly #spare: Uint8Array[] = [];

  /**
   * A 4-byte aligned buffer (from offset 0 of its own store) of at least `length` bytes.
   *
   * @param length The bytes needed.
   * @param most The longest spare worth taking: a buffer a stream keeps while it is open (an
   *   escape context) must not pin a window-sized one.
   * @returns The shortest spare that is long enough (and no longer than `most`), else a new one.
   */
  take(length: number, most = Infinity): Uint8Array {
    const spare = this.#spare;
    let best = -1;
    for (let k = 0; k < spare.length; k++) {
      const size = spare[k]!.length;
      if (size < length || size > most) continue;
      if (best < 0 || size < spare[best]!.length) best = k;
    }
    if (best < 0) return alignedBytes(length);
    const buffer = spare[best]!;
    spare[best] = spare[spare.length - 1]!;
    spare.pop();
    return buffer;
  }

  /** Give back a buffer its taker no longer reads. */
  give(buffer: Uint8Array): void {
    if (buffer.length === 0 || buffer.length > LARGEST) return;
    const spare = this.#spare;
    if (spare.length < KEEP) {
      spare.push(buffer);
      return;
    }
    // Full: keep the longer of the new one and the shortest kept.
    let shortest = 0;
    for (let k = 1; k < spare.length; k++) {
      if (spare[k]!.length < spare[shortest]!.length) shortest = k;
    }
    if (spare[shortest]!.length < buffer.length) spare[shortest] = buffer;
  }
}
