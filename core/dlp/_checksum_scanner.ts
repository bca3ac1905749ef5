/**
 * `checksummed`: the pass. It reads one pair of bytes in every four and only looks closer where a
 * pair can belong to a candidate, then hands the candidate's bytes to `_checksum_words.ts`.
 *
 * Why sampling finds everything: every candidate holds a run of at least 7 digits or digit groups
 * joined by single separators (so some pair holds two digits, or a digit and a separator), or is
 * a run of at least 29 base58 or bech32 characters (seven key pairs in a row; the run's start is
 * then found by reading back, four bytes at a time). Prose without digits costs one table lookup
 * per four bytes; random base64, where long runs are everywhere, costs a read back per run.
 *
 * Every look is bounded: at most {@link BEHIND} bytes before a sample and {@link AHEAD} after it,
 * and after a look the sampling resumes past what was examined, so the pass is linear. In a stream
 * a sample closer than `AHEAD` to the window's end waits for the next push, so a candidate is
 * always decided on the same bytes whatever the chunking.
 */
import { evaluateChain } from "./_checksum_chains.ts";
import { evaluateWord, isSep } from "./_checksum_words.ts";
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
/**
 * Words read back from a streak's last sample for the run's start: the streak may have begun up
 * to two samples before the run (a separator inside an unread pair half).
 */
const BACK_WORDS = 9;
/**
 * Seven key pairs in a row: a run of at least 26 letters and digits. Every key or address of 29
 * characters or more (Bitcoin addresses have 33 or 34) holds seven such pairs.
 */
const LONG_STREAK = 7;

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

/**
 * The class of the byte at local offset `k`, 0 outside the window: a typed array reads
 * `undefined` there, which costs less than testing the bounds first (a hot path of the pass).
 */
function cls(bytes: Uint8Array, k: number): number {
  return CLASS[bytes[k] ?? 0]!;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A sample pair that starts or ends digits, or sits in digit groups: look closer. */
const TRIGGER = 1;
/** A sample pair both of whose bytes may sit in a base58 or bech32 key. */
const KEY = 2;
/** A pair of two letters or digits. */
const BOTH_ALNUM = 4;

/**
 * Sample pair (two bytes read as one native 16-bit word) → TRIGGER and KEY bits. Reading pairs
 * rather than single bytes makes lone digits in base64 (one byte in six) and word ends in prose
 * end a streak or pass without a look.
 */
const PAIR = (() => {
  const base58 = new Uint8Array(256);
  for (const ch of "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz") {
    base58[ch.charCodeAt(0)] = 1;
  }
  const bech32 = new Uint8Array(256);
  for (const ch of "qpzry9x8gf2tvdw0s3jn54khce6mua7l") {
    bech32[ch.charCodeAt(0)] = 1;
    bech32[ch.toUpperCase().charCodeAt(0)]! |= 2;
  }
  const table = new Uint8Array(65536);
  for (let a = 0; a < 256; a++) {
    for (let b = 0; b < 256; b++) {
      const da = (CLASS[a]! & DIGIT) !== 0;
      const db = (CLASS[b]! & DIGIT) !== 0;
      const trigger = (da && (db || isSep(b))) || (db && isSep(a));
      const key = (base58[a]! & base58[b]!) !== 0 || (bech32[a]! & bech32[b]!) !== 0;
      const alnum = (CLASS[a]! & CLASS[b]! & ALNUM) !== 0 ? BOTH_ALNUM : 0;
      table[LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b] = alnum | (trigger ? TRIGGER : 0) |
        (key ? KEY : 0);
    }
  }
  return table;
})();

/**
 * The end of the alnum run from local offset `s`, or `limit` if it runs that far: four bytes (two
 * pair lookups) at a time.
 */
function runEnd(bytes: Uint8Array, pairs: Uint16Array, s: number, limit: number): number {
  let e = s;
  while (e < limit && (e & 3) !== 0 && (CLASS[bytes[e]!]! & ALNUM) !== 0) e++;
  if ((e & 3) === 0) {
    while (
      e < limit && e + 3 < bytes.length &&
      (PAIR[pairs[e >>> 1]!]! & PAIR[pairs[(e >>> 1) + 1]!]! & BOTH_ALNUM) !== 0
    ) {
      e += 4;
    }
    while (e < limit && (cls(bytes, e) & ALNUM) !== 0) e++;
  }
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

/** What sampling carries from one sample to the next. */
interface SampleState {
  /** Key pairs in a row. */
  streak: number;
  /** Set by `nextSample`: the start of a run that may be a key, or -1. */
  start: number;
}

/**
 * The offset of the next sample from `i` (a multiple of 4) worth a closer look: a pair that
 * touches digits, or the end of a streak of LONG_STREAK key pairs inside a run that starts like a
 * key (its start goes to `state.start`, else -1). At least `stop` when there is none. Kept small
 * and separate so the engine compiles this loop, where nearly all time goes, on its own.
 */
function nextSample(
  bytes: Uint8Array,
  pairs: Uint16Array,
  i: number,
  stop: number,
  state: SampleState,
): number {
  let streak = state.streak;
  state.start = -1;
  for (; i < stop; i += 4) {
    const c = PAIR[pairs[i >>> 1]!]!;
    streak = (streak + 1) & -((c >>> 1) & 1);
    if ((c & TRIGGER) !== 0) break;
    if (streak !== LONG_STREAK) continue;
    // The run holding this sample starts after the last byte that is not a letter or digit;
    // not a key there: count again, so a key after a separator no sample saw starts a streak.
    const start = runStart(bytes, pairs, i);
    if (start >= 0 && keyStart(bytes, start)) {
      state.start = start;
      break;
    }
    streak = 0;
  }
  state.streak = streak;
  return i;
}

/**
 * Where the alnum run holding local offset `i` (a multiple of 4) starts, looking at most
 * BACK_WORDS words back; -1 when it starts earlier (a long run, not a key start).
 */
function runStart(bytes: Uint8Array, pairs: Uint16Array, i: number): number {
  // Two pair lookups tell whether four bytes are all letters and digits; only the group with a
  // separator is read byte by byte.
  for (let q = i - 4; q >= 0 && q > i - 4 - 4 * BACK_WORDS; q -= 4) {
    if ((PAIR[pairs[q >>> 1]!]! & PAIR[pairs[(q >>> 1) + 1]!]! & BOTH_ALNUM) !== 0) continue;
    for (let k = q + 3; k >= q; k--) if ((CLASS[bytes[k]!]! & ALNUM) === 0) return k + 1;
  }
  return i < 4 + 4 * BACK_WORDS ? 0 : -1;
}

/** No pairs (shared: nothing can be written to it), until the first window. */
const NO_PAIRS = new Uint16Array(0);

/** Per-scan state of the checksummed detector. */
export class ChecksumPass implements ScanPass {
  readonly #location: string;
  /** Absolute offset of the next sample (a multiple of 4). */
  #pos = 0;
  /** Alnum samples in a row up to `#pos`. */
  readonly #state: SampleState = { streak: 0, start: -1 };
  /** The current window read as 16-bit pairs. */
  #pairs: Uint16Array = NO_PAIRS;
  /** No finding may start before this (one was reported up to here). */
  #reportedEnd = 0;

  constructor(location: string) {
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const { bytes, base } = win;
    // A sample reads its byte and the next, so the last byte of the input is never a sample.
    const stop = (win.final ? win.end - 1 : win.end - AHEAD) - base;
    const pairs = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 1);
    this.#pairs = pairs;
    const state = this.#state;
    let i = this.#pos - base;
    while ((i = nextSample(bytes, pairs, i, stop, state)) < stop) {
      let start = state.start;
      let resume = -1;
      if (start < 0) {
        resume = this.#digits(win, (cls(bytes, i) & DIGIT) !== 0 ? i : i + 1, out);
        // The pair touched digits and also ended a streak: look at the run as nextSample would.
        if (resume < 0 && state.streak === LONG_STREAK) {
          start = runStart(bytes, pairs, i);
          if (start < 0 || !keyStart(bytes, start)) {
            start = -1;
            state.streak = 0;
          }
        }
      }
      if (start >= 0) {
        resume = this.#word(win, start, runEnd(bytes, pairs, start, start + MAX_WORD + 1), out);
      }
      if (resume > i) {
        i = ((resume + 3) & ~3) - 4;
        state.streak = 0;
      }
      i += 4;
    }
    this.#pos = base + i;
  }

  keepFrom(): number {
    return Math.max(0, this.#pos - BEHIND);
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
      return this.#word(win, s, runEnd(bytes, this.#pairs, j, j + MAX_WORD + 1), out);
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
