/**
 * `checksummed`: the pass. It samples one byte in four and only looks closer where a sample can
 * belong to a candidate, then hands the candidate's bytes to `_checksum_words.ts`.
 *
 * Why sampling finds everything: every candidate holds either a run of at least 4 digits, or digit
 * groups joined by single separators (a sample lands on a digit with a digit or separator beside
 * it, or on a separator between two digits), or is a run of at least 25 letters and digits
 * (base58 and bech32: six alnum samples in a row). Prose without digits costs one table lookup per
 * four bytes; random base64 a little more.
 *
 * Every look is bounded: at most {@link BEHIND} bytes before a sample and {@link AHEAD} after it,
 * and after a look the sampling resumes past what was examined, so the pass is linear. In a stream
 * a sample closer than `AHEAD` to the window's end waits for the next push, so a candidate is
 * always decided on the same bytes whatever the chunking.
 */
import { evaluateChain, evaluateWord, isSep } from "./_checksum_words.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** Bytes before a sample that a look may read (longest word, chain or keyword context). */
const BEHIND = 256;
/** Bytes after a sample that a look may read. */
const AHEAD = 192;
/** The longest word considered (a BIP32 extended key is 111 characters). */
const MAX_WORD = 128;
/** A digit run this long is a number to read whole; shorter ones only matter in groups. */
const LONG_DIGITS = 7;
/** Six alnum samples in a row: a run of at least 21 letters and digits. */
const LONG_STREAK = 6;

const ALNUM = 1;
const DIGIT = 2;
const SEP = 4;

/** Byte → class bits. */
const CLASS = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const lower = b | 0x20;
    if (b >= 48 && b <= 57) table[b] = ALNUM | DIGIT;
    else if (lower >= 97 && lower <= 122) table[b] = ALNUM;
    else if (isSep(b)) table[b] = SEP;
  }
  return table;
})();

/** The class of the byte at local offset `k`, 0 outside the window (no out-of-bounds read). */
function cls(bytes: Uint8Array, k: number): number {
  return k >= 0 && k < bytes.length ? CLASS[bytes[k]!]! : 0;
}

/** Sample classes: alnum, plus TRIGGER for digits and CPF punctuation (`.` and `-`). */
const TRIGGER = 8;
const SAMPLE = (() => {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    table[b] = (CLASS[b]! & (ALNUM | DIGIT)) | ((CLASS[b]! & DIGIT) !== 0 ? TRIGGER : 0);
  }
  table[0x2d] = table[0x2e] = TRIGGER;
  return table;
})();

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bit 7 of each byte of a 32-bit word set where that byte is not an ASCII letter or digit. */
function nonAlnum(x: number): number {
  const t = x & 0x7f7f7f7f;
  const digit = (t + 0x50505050) & ~(t + 0x46464646);
  const u = t | 0x20202020;
  const letter = (u + 0x1f1f1f1f) & ~(u + 0x05050505);
  return (~(digit | letter) | x) & 0x80808080;
}

/** Index of the lowest-addressed marked byte of a big-endian word's mask. */
function lowestByte(mask: number): number {
  return (31 - Math.clz32(mask & -mask)) >>> 3;
}

/**
 * The end of the alnum run from local offset `s`, or `limit` if it runs that far: four bytes at a
 * time while whole words are in the window.
 */
function runEnd(bytes: Uint8Array, s: number, limit: number): number {
  let e = s;
  while (e < limit && (e & 3) !== 0 && (cls(bytes, e) & ALNUM) !== 0) e++;
  if (e >= limit || (e & 3) !== 0) return e;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  for (let k = e >>> 2; k < words.length && 4 * k < limit; k++) {
    const na = nonAlnum(words[k]!);
    if (na !== 0) {
      const first = LITTLE_ENDIAN ? lowestByte(na) : (31 - Math.clz32(na)) >>> 3;
      return Math.min(4 * k + (LITTLE_ENDIAN ? first : 3 - first), limit);
    }
  }
  e = Math.max(e, 4 * words.length);
  while (e < limit && (cls(bytes, e) & ALNUM) !== 0) e++;
  return Math.min(e, limit);
}

/** Does a base58 or bech32 key or address start at local offset `s`? (first bytes only) */
function keyStart(bytes: Uint8Array, s: number): boolean {
  const b0 = bytes[s]!;
  const b1 = s + 1 < bytes.length ? bytes[s + 1]! : 0;
  const b2 = s + 2 < bytes.length ? bytes[s + 2]! : 0;
  if (b0 === 0x31 || b0 === 0x33 || b0 === 0x35 || b0 === 0x4b || b0 === 0x4c) return true;
  if (b2 === 0x31) {
    return (b0 | 0x20) === 0x62
      ? (b1 | 0x20) === 0x63
      : (b0 | 0x20) === 0x74 && (b1 | 0x20) === 0x62;
  }
  return b1 === 0x70 && b2 === 0x72;
}

/** Per-scan state of the checksummed detector. */
export class ChecksumPass implements ScanPass {
  readonly #location: string;
  /** Absolute offset of the next sample (a multiple of 4). */
  #pos = 0;
  /** Alnum samples in a row up to `#pos`. */
  #streak = 0;
  /** No finding may start before this (one was reported up to here). */
  #reportedEnd = 0;

  constructor(location: string) {
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const { bytes, base } = win;
    const stop = (win.final ? win.end : win.end - AHEAD) - base;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    let streak = this.#streak;
    let i = this.#pos - base;
    for (; i < stop; i += 4) {
      // One table lookup per sample; the branch is rarely taken on text and base64 alike.
      const c = SAMPLE[bytes[i]!]!;
      streak = (streak + 1) & -(c & ALNUM);
      if ((c & TRIGGER) === 0 && streak !== LONG_STREAK) continue;
      let resume = -1;
      if ((c & TRIGGER) !== 0) {
        const inside = i > 0 && i + 1 < bytes.length;
        const before = inside ? CLASS[bytes[i - 1]!]! : cls(bytes, i - 1);
        const after = inside ? CLASS[bytes[i + 1]!]! : cls(bytes, i + 1);
        if ((c & DIGIT) !== 0) {
          if (((before | after) & (DIGIT | SEP)) !== 0) resume = this.#digits(win, i, out);
        } else if ((before & after & DIGIT) !== 0) {
          resume = this.#digits(win, i - 1, out);
        }
      }
      if (resume < 0 && streak === LONG_STREAK) {
        resume = this.#longRun(win, words, i, out);
        // Not a key: count again, so a key after a separator no sample saw still starts a streak.
        if (resume < 0) streak = 0;
      }
      if (resume > i) {
        i = ((resume + 3) & ~3) - 4;
        streak = 0;
      }
    }
    this.#pos = base + i;
    this.#streak = streak;
  }

  keepFrom(): number {
    return Math.max(0, this.#pos - BEHIND);
  }

  /**
   * A streak of alnum samples ends at `i`: the run holding `i` started after the last sample
   * that was not alnum, or after a separator between samples. Look at it if it starts like a
   * key; returns where sampling resumes, or -1 to keep sampling.
   */
  #longRun(win: ScanWindow, words: Uint32Array, i: number, out: Finding[]): number {
    const { bytes } = win;
    // Long runs are read whole here (once per LONG_STREAK samples), so four bytes at a time.
    const last = (i >>> 2) - 1;
    let s = -1;
    for (let k = last; k >= 0 && k > last - LONG_STREAK; k--) {
      const na = nonAlnum(words[k]!);
      if (na !== 0) {
        s = 4 * k + 1 + (LITTLE_ENDIAN ? (31 - Math.clz32(na)) >>> 3 : 3 - lowestByte(na));
        break;
      }
    }
    if (s < 0 && win.base === 0 && last < LONG_STREAK) s = 0;
    if (s < 0 || !keyStart(bytes, s)) return -1;
    return this.#word(win, s, runEnd(bytes, s, s + MAX_WORD + 1), out);
  }

  /** Bytes around `j` (a digit) may hold a long number or digit groups: examine them. */
  #digits(win: ScanWindow, j: number, out: Finding[]): number {
    const { bytes } = win;
    let a = j;
    let b = j + 1;
    while (a > j - LONG_DIGITS && (cls(bytes, a - 1) & DIGIT) !== 0) a--;
    while (b < j + LONG_DIGITS && (cls(bytes, b) & DIGIT) !== 0) b++;
    if (b - a >= LONG_DIGITS) {
      let s = j;
      while (s > j - MAX_WORD && (cls(bytes, s - 1) & ALNUM) !== 0) s--;
      return this.#word(win, s, runEnd(bytes, j, j + MAX_WORD + 1), out);
    }
    if (((cls(bytes, b) | cls(bytes, a - 1)) & SEP) === 0) return -1;
    const found = evaluateChain(win, a, b, this.#location);
    this.#report(found, out);
    if (found !== undefined) return found.end - win.base;
    // Every rule that could hold these digits was tried: resume after them, unless a letter
    // follows (the streak of a base58 run must go on counting).
    return (cls(bytes, b) & ALNUM) === 0 ? b : -1;
  }

  /**
   * Evaluate the run `[s, e)` if it is a whole word of at most MAX_WORD bytes; returns where
   * sampling may resume (past the run either way).
   */
  #word(win: ScanWindow, s: number, e: number, out: Finding[]): number {
    const { bytes } = win;
    const whole = (cls(bytes, s - 1) & ALNUM) === 0 && (cls(bytes, e) & ALNUM) === 0;
    if (whole && e - s <= MAX_WORD) this.#report(evaluateWord(win, s, e, this.#location), out);
    return e;
  }

  #report(found: Finding | undefined, out: Finding[]): void {
    if (found === undefined || found.start < this.#reportedEnd) return;
    out.push(found);
    this.#reportedEnd = found.end;
  }
}
