/**
 * A seeded pseudo-random generator (mulberry32), so every fake value in the corpus is the same on
 * every run. Each builder seeds its own generator from a name: adding cases to one class does not
 * change the values of another.
 */

/** Letters and digits, the alphabet of most opaque tokens. */
export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** Upper-case letters and digits. */
export const UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/** Lower-case hex digits. */
export const HEX = "0123456789abcdef";
/** The URL-safe base64 alphabet. */
export const B64URL = ALNUM + "-_";
/** The standard base64 alphabet. */
export const B64 = ALNUM + "+/";

/** A deterministic generator of numbers, strings and bytes. */
export class Rng {
  #state: number;

  /**
   * Seed from a name.
   *
   * @param seed Any text; the same text gives the same sequence.
   */
  constructor(seed: string) {
    let h = 2166136261;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
    this.#state = h >>> 0;
  }

  /** The next float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  str(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Letters and digits. */
  alnum(length: number): string {
    return this.str(ALNUM, length);
  }

  /** Lower-case hex. */
  hex(length: number): string {
    return this.str(HEX, length);
  }

  /** Decimal digits. */
  digits(length: number): string {
    return this.str("0123456789", length);
  }

  /** Random bytes. */
  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => Math.floor(this.next() * 256));
  }

  /** A version-4-shaped UUID. */
  uuid(): string {
    const h = this.hex(32);
    const variant = "89ab"[this.int(0, 3)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${
      h.slice(20)
    }`;
  }
}
