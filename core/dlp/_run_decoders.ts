/**
 * Incremental decoders for the runs the decoded view reads: base64 (standard and URL-safe
 * alphabets, mixed), base32 (RFC 4648, either case) and hex (contiguous, or delimited by `:`,
 * `,`, `-`, spaces, with `0x` or `\x` prefixes). Each takes one character at a time with its
 * input offset and emits each decoded byte with the input span of its group, so a finding maps
 * back onto exactly the characters it came from.
 */

/** Receives decoded bytes. */
export interface Sink {
  /** One decoded byte, from input bytes `[start, end)`. */
  emit(byte: number, start: number, end: number): void;
}

/** A sink that may stop taking bytes (a live decoding turned unprintable). */
export interface LiveSink extends Sink {
  readonly dying: boolean;
}

/** A run decoder. */
export interface RunDecoder {
  /** Take the next character; false when it cannot continue this encoding. */
  push(byte: number, at: number, sink: Sink): boolean;
  /** The run ended: emit what the last partial group holds. */
  flush(sink: Sink): void;
  /** Input offset of the first character of an unfinished group (Infinity when none). */
  readonly pending: number;
}

function table(pairs: [string, number][]): Int8Array {
  const values = new Int8Array(256).fill(-1);
  for (const [chars, first] of pairs) {
    for (let i = 0; i < chars.length; i++) values[chars.charCodeAt(i)] = first + i;
  }
  return values;
}

const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
/**
 * Byte → base64 digit, or -1. Either alphabet: `+` and URL-safe `-` are 62, `/` and URL-safe `_`
 * are 63.
 */
export const BASE64 = table([
  [UPPER, 0],
  [LOWER, 26],
  ["0123456789", 52],
  ["+", 62],
  ["-", 62],
  ["/", 63],
  ["_", 63],
]);
/** Byte → base32 digit (either case), or -1. */
export const BASE32 = table([[UPPER, 0], [LOWER, 0], ["234567", 26]]);
/** Byte → hex digit, or -1. */
export const HEX = table([["0123456789", 0], ["abcdef", 10], ["ABCDEF", 10]]);
/** Delimiters allowed between hex bytes. */
export const HEX_DELIMITER = new Uint8Array(256);
for (const c of ":,- ") HEX_DELIMITER[c.charCodeAt(0)] = 1;
const BACKSLASH = 0x5c;
const X_LOWER = 0x78;
const X_UPPER = 0x58;

/** Characters a base64 run may carry in front of the encoding (a path, a `sha512-` label). */
export const BASE64_SOFT = new Uint8Array(256);
for (const c of "+/-_") BASE64_SOFT[c.charCodeAt(0)] = 1;
/** Where a hex run may start again. */
export const HEX_SOFT = new Uint8Array(256);
for (const c of ":,- \\") HEX_SOFT[c.charCodeAt(0)] = 1;

/** Base64 with either alphabet: 4 characters, 3 bytes. */
export class Base64Decoder implements RunDecoder {
  #bits = 0;
  #count = 0;
  #start = Infinity;

  push(byte: number, at: number, sink: Sink): boolean {
    const value = BASE64[byte]!;
    if (value < 0) return false;
    if (this.#count === 0) this.#start = at;
    this.#bits = (this.#bits << 6) | value;
    if (++this.#count === 4) {
      const bits = this.#bits;
      sink.emit(bits >>> 16, this.#start, at + 1);
      sink.emit((bits >>> 8) & 0xff, this.#start, at + 1);
      sink.emit(bits & 0xff, this.#start, at + 1);
      this.#count = 0;
      this.#bits = 0;
      this.#start = Infinity;
    }
    return true;
  }

  /**
   * Take run characters `bytes[from, to)` (input offset `base + k`) a group at a time while
   * `sink` lives: the bulk of a live run, without a call per character.
   *
   * @returns False when the decoding ends on one of them (a character it cannot take, or the
   *   sink began dying).
   */
  pushRun(bytes: Uint8Array, from: number, to: number, base: number, sink: LiveSink): boolean {
    let k = from;
    for (; k < to && (this.#count !== 0 || k + 4 > to); k++) {
      if (!this.push(bytes[k]!, base + k, sink) || sink.dying) return false;
    }
    for (; k + 4 <= to; k += 4) {
      const a = BASE64[bytes[k]!]!;
      const b = BASE64[bytes[k + 1]!]!;
      const c = BASE64[bytes[k + 2]!]!;
      const d = BASE64[bytes[k + 3]!]!;
      if ((a | b | c | d) < 0) break;
      const start = base + k;
      sink.emit((a << 2) | (b >>> 4), start, start + 4);
      sink.emit(((b & 15) << 4) | (c >>> 2), start, start + 4);
      sink.emit(((c & 3) << 6) | d, start, start + 4);
      if (sink.dying) return false;
    }
    for (; k < to; k++) {
      if (!this.push(bytes[k]!, base + k, sink) || sink.dying) return false;
    }
    return true;
  }

  flush(sink: Sink): void {
    const count = this.#count;
    if (count >= 2) {
      const bits = this.#bits << (6 * (4 - count));
      // Without the padding the group's end is its last character: the end is what was read.
      const end = this.#start + count;
      sink.emit(bits >>> 16, this.#start, end);
      if (count === 3) sink.emit((bits >>> 8) & 0xff, this.#start, end);
    }
    this.#count = 0;
    this.#bits = 0;
    this.#start = Infinity;
  }

  get pending(): number {
    return this.#start;
  }
}

/** Base32: 8 characters, 5 bytes. */
export class Base32Decoder implements RunDecoder {
  #bits = 0;
  #have = 0;
  #count = 0;
  #start = Infinity;

  push(byte: number, at: number, sink: Sink): boolean {
    const value = BASE32[byte]!;
    if (value < 0) return false;
    if (this.#count === 0) this.#start = at;
    // At most 12 bits wait at once: a byte leaves as soon as its 8 bits are in.
    this.#bits = (this.#bits << 5) | value;
    this.#have += 5;
    if (this.#have >= 8) {
      this.#have -= 8;
      sink.emit((this.#bits >>> this.#have) & 0xff, this.#start, at + 1);
      this.#bits &= (1 << this.#have) - 1;
    }
    if (++this.#count === 8) this.flush(sink);
    return true;
  }

  flush(_sink: Sink): void {
    // Every whole byte left as it completed; the leftover bits are padding.
    this.#bits = 0;
    this.#have = 0;
    this.#count = 0;
    this.#start = Infinity;
  }

  get pending(): number {
    return this.#start;
  }
}

/** Hex: two digits a byte, optionally `0x`/`\x` prefixed and delimited. */
export class HexDecoder implements RunDecoder {
  /** The first digit of a byte, or -1. */
  #high = -1;
  #highIsZero = false;
  /** Start of the current byte's group (its prefix or first digit), or Infinity. */
  #start = Infinity;
  #afterBackslash = false;
  #delimiters = 0;

  push(byte: number, at: number, sink: Sink): boolean {
    const value = HEX[byte]!;
    if (this.#afterBackslash) {
      this.#afterBackslash = false;
      return byte === X_LOWER || byte === X_UPPER;
    }
    if (value >= 0) {
      this.#delimiters = 0;
      if (this.#high < 0) {
        if (this.#start === Infinity) this.#start = at;
        this.#high = value;
        this.#highIsZero = byte === 0x30;
        return true;
      }
      sink.emit(this.#high * 16 + value, this.#start, at + 1);
      this.#high = -1;
      this.#start = Infinity;
      return true;
    }
    if (byte === X_LOWER || byte === X_UPPER) {
      // `0x`: the zero was a prefix, not a digit.
      if (this.#high < 0 || !this.#highIsZero) return false;
      this.#high = -1;
      this.#highIsZero = false;
      return true;
    }
    if (this.#high >= 0) return false;
    if (byte === BACKSLASH) {
      this.#start = at;
      this.#afterBackslash = true;
      return true;
    }
    this.#start = Infinity;
    return HEX_DELIMITER[byte] === 1 && ++this.#delimiters <= 2;
  }

  flush(_sink: Sink): void {
    this.#high = -1;
    this.#start = Infinity;
    this.#afterBackslash = false;
    this.#delimiters = 0;
  }

  get pending(): number {
    return this.#start;
  }
}
