import type { Finding, StreamScanner } from "./_types.ts";
import { alignedBytes, type ScanPass, ScanWindow } from "./_window.ts";

/**
 * Drives passes over a byte stream. Each push scans `tail + chunk`, where the tail is the part of
 * the previous window some pass may still read (`keepFrom`), so a match split across chunks is
 * seen whole. Passes remember how far they got, so the tail is never scanned twice.
 */
export class PassStream implements StreamScanner {
  readonly #passes: readonly ScanPass[];
  /** Absolute offset of `#buf[0]`. */
  #base = 0;
  /** Holds the current window in `[0, #length)`; `#spare` receives the next one (no allocation). */
  #buf = alignedBytes(0);
  #spare = alignedBytes(0);
  #length = 0;
  #ended = false;

  /** Stream over the given passes (each used by this stream only). */
  constructor(passes: readonly ScanPass[]) {
    this.#passes = passes;
  }

  push(chunk: Uint8Array): Finding[] {
    if (this.#ended) throw new TypeError("Cannot push to a DLP stream after end()");
    return this.#scan(chunk, false);
  }

  end(): Finding[] {
    if (this.#ended) return [];
    this.#ended = true;
    return this.#scan(new Uint8Array(0), true);
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
    const tail = this.#buf.subarray(keep - this.#base, this.#length);
    const length = tail.length + chunk.length;
    if (this.#spare.length < length) this.#spare = alignedBytes(length + (length >>> 1));
    this.#spare.set(tail);
    this.#spare.set(chunk, tail.length);
    [this.#buf, this.#spare] = [this.#spare, this.#buf];
    this.#base = keep;
    this.#length = length;
    const win = new ScanWindow(keep, this.#buf.subarray(0, length), final);
    const out: Finding[] = [];
    for (const pass of this.#passes) pass.scan(win, out);
    return sortFindings(out);
  }
}

/** Findings in stream order. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.start - b.start || a.end - b.end);
}
