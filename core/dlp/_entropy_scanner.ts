/**
 * `entropy` (opt-in, warn): flags runs of base64/base64url characters that look random.
 *
 * A run of 20 to 512 characters that holds a letter and a digit is flagged when its Shannon
 * entropy is at least 0.85 × log2(min(length, 64)) bits per character: random base64 of any length
 * clears that bar, while hex digests (git SHAs), UUIDs and identifiers stay under it. Longer runs
 * are data blobs (images, packs), not credentials, and are skipped.
 */
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** Shortest run considered. */
const MIN_ENTROPY_RUN = 20;
/** Longest run considered; also this detector's stream overlap. */
const MAX_ENTROPY_RUN = 512;

const TOKEN_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-";

/** Per-scan state of the entropy detector. */
export class EntropyPass implements ScanPass {
  readonly #location: string;
  readonly #isToken = new Uint8Array(256);
  readonly #counts = new Uint16Array(256);
  #pos = 0;
  /** Absolute start of the current run, -1 outside a run. */
  #runStart = -1;
  /** Inside a run already longer than the maximum: wait for its end. */
  #skipping = false;

  constructor(location: string) {
    this.#location = location;
    for (const ch of TOKEN_CHARS) this.#isToken[ch.charCodeAt(0)] = 1;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const { bytes, base } = win;
    for (let j = this.#pos - base; j < bytes.length; j++) {
      if (this.#isToken[bytes[j]!] === 1) {
        if (this.#runStart < 0 && !this.#skipping) this.#runStart = base + j;
      } else {
        if (this.#runStart >= 0) this.#evaluate(win, this.#runStart, base + j, out);
        this.#runStart = -1;
        this.#skipping = false;
      }
    }
    this.#pos = win.end;
    if (this.#runStart < 0) return;
    if (win.final) {
      this.#evaluate(win, this.#runStart, win.end, out);
    } else if (win.end - this.#runStart > MAX_ENTROPY_RUN) {
      this.#runStart = -1;
      this.#skipping = true;
    }
  }

  keepFrom(): number {
    return this.#runStart >= 0 ? this.#runStart : this.#pos;
  }

  #evaluate(win: ScanWindow, start: number, end: number, out: Finding[]): void {
    const length = end - start;
    if (length < MIN_ENTROPY_RUN || length > MAX_ENTROPY_RUN) return;
    const bytes = win.bytes.subarray(start - win.base, end - win.base);
    let digit = false;
    let letter = false;
    for (const b of bytes) {
      this.#counts[b]!++;
      if (b >= 48 && b <= 57) digit = true;
      else if ((b | 0x20) >= 97 && (b | 0x20) <= 122) letter = true;
    }
    let bits = 0;
    for (const b of bytes) {
      const n = this.#counts[b]!;
      if (n === 0) continue;
      bits -= (n / length) * Math.log2(n / length);
      this.#counts[b] = 0;
    }
    if (!digit || !letter || bits < 0.85 * Math.log2(Math.min(length, 64))) return;
    out.push({
      detector: "entropy",
      rule: "high_entropy",
      severity: "warn",
      location: this.#location,
      snippet: `…(${length} chars, ${bits.toFixed(1)} bits/char)`,
      start,
      end,
    });
  }
}
