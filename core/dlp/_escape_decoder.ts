/**
 * Decodes the escapes an origin decodes whatever a body's declared type says: `%XX`
 * (form bodies, query strings) and JSON string escapes (`\uXXXX`, surrogate pairs joined, and
 * `\n`, `\"`…). Streaming: an escape split across chunks is decoded once complete. Every escape
 * is recorded, so a finding in the decoded bytes maps back to the exact raw bytes it came from.
 *
 * Decoding is byte-wise (latin1 in, UTF-8 for code points above 0x7f out), tolerant (a malformed
 * escape stays as it is) and one level deep.
 */
import type { Buffers } from "./_buffers.ts";
import { leading, NO_WORDS } from "./_window.ts";

const PERCENT = 0x25;
const BACKSLASH = 0x5c;
/** The longest escape: a surrogate pair, `\uD83D\uDE00`. */
const LONGEST = 12;

/**
 * Single-character JSON escapes: per byte after the backslash, the byte it stands for, or -1. A
 * typed table, not an object: every escape of every stretch is looked up here more than once.
 */
const SIMPLE = (() => {
  const table = new Int16Array(256).fill(-1);
  const pairs = [
    [0x22, 0x22], // \"
    [0x5c, 0x5c], // \\
    [0x2f, 0x2f], // \/
    [0x62, 0x08], // \b
    [0x66, 0x0c], // \f
    [0x6e, 0x0a], // \n
    [0x72, 0x0d], // \r
    [0x74, 0x09], // \t
  ];
  for (const [escaped, byte] of pairs) table[escaped!] = byte!;
  return table;
})();

/** One decoded escape: `rawLen` raw bytes at `raw` became `decLen` bytes at `dec`. */
interface Escape {
  dec: number;
  decLen: number;
  raw: number;
  rawLen: number;
}

/**
 * Finds the bytes that may start an escape (`%` or `\\`) four bytes at a time: for each word,
 * the classic "has a zero byte" test on the word XOR each target byte repeated. Every chunk of
 * every stream is searched, and a stretch's decoding copies what lies between escapes.
 */
class EscapeSearch {
  readonly #bytes: Uint8Array;
  readonly #words: Uint32Array;
  /** Bytes before the first 4-byte aligned one. */
  readonly #lead: number;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    const lead = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
    this.#lead = lead;
    const count = (bytes.length - lead) >>> 2;
    this.#words = count === 0
      ? NO_WORDS
      : new Uint32Array(bytes.buffer, bytes.byteOffset + lead, count);
  }

  /** Offset of the first `%` or `\\` at or after `from`, or the length. */
  next(from: number): number {
    const bytes = this.#bytes;
    const lead = this.#lead;
    const words = this.#words;
    let i = from;
    while (i < lead || ((i - lead) & 3) !== 0) {
      if (i >= bytes.length) return bytes.length;
      if (isEscapeByte(bytes[i]!)) return i;
      i++;
    }
    for (let k = (i - lead) >>> 2; k < words.length; k++) {
      const word = words[k]!;
      const percent = word ^ 0x25252525;
      const backslash = word ^ 0x5c5c5c5c;
      const zero = ((percent - 0x01010101) & ~percent) | ((backslash - 0x01010101) & ~backslash);
      if ((zero & 0x80808080) !== 0) break;
      i += 4;
    }
    for (; i < bytes.length; i++) if (isEscapeByte(bytes[i]!)) return i;
    return bytes.length;
  }
}

/**
 * Whether a chunk holds a byte that may start an escape (`%` or `\\`). Most chunks hold none,
 * so this is its own small loop (the same test as {@link EscapeSearch}): it runs faster than
 * the search.
 */
export function hasEscape(bytes: Uint8Array): boolean {
  const length = bytes.length;
  const lead = Math.min(length, (4 - (bytes.byteOffset & 3)) & 3);
  for (let i = 0; i < lead; i++) if (isEscapeByte(bytes[i]!)) return true;
  const count = (length - lead) >>> 2;
  if (count > 0) {
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset + lead, count);
    for (let k = 0; k < count; k++) {
      const word = words[k]!;
      const percent = word ^ 0x25252525;
      const backslash = word ^ 0x5c5c5c5c;
      const zero = ((percent - 0x01010101) & ~percent) | ((backslash - 0x01010101) & ~backslash);
      if ((zero & 0x80808080) !== 0) return true;
    }
  }
  for (let i = lead + 4 * count; i < length; i++) if (isEscapeByte(bytes[i]!)) return true;
  return false;
}

/**
 * Where the escapes that decode (or that the chunk's end may yet complete) sit in a chunk, as
 * `start, end` pairs in order.
 *
 * @param bytes The chunk.
 */
export function decodableEscapes(bytes: Uint8Array): number[] {
  const found: number[] = [];
  const length = bytes.length;
  const search = new EscapeSearch(bytes);
  for (let i = search.next(0); i < length; i = search.next(i + 1)) {
    if (length - i < LONGEST) {
      found.push(i, length);
      break;
    }
    const rawLen = escapeAt(bytes, i);
    if (rawLen === 0) continue;
    found.push(i, i + rawLen);
    i += rawLen - 1;
  }
  return found;
}

function isEscapeByte(byte: number): boolean {
  return byte === PERCENT || byte === BACKSLASH;
}

/** No carried bytes (shared: nothing can be written to it). */
const NO_CARRY = new Uint8Array(0);

/** A streaming decoder whose decoded offsets map back onto raw stream offsets. */
export class EscapeDecoder {
  #carry: Uint8Array = NO_CARRY;
  /** Absolute raw offset of the first byte of the next input (the carry's first byte). */
  #raw: number;
  /** Decoded bytes produced so far (the decoded stream's offsets start at 0). */
  #dec = 0;
  #escapes: Escape[] = [];
  /**
   * Holds the decoded bytes of the last push (reused: a stretch pushes every chunk), or is lent
   * back to `#buffers` between pushes ({@link EscapeDecoder.release}).
   */
  #out: Uint8Array = NO_CARRY;
  readonly #buffers: Buffers | undefined;

  /**
   * @param rawStart Absolute raw offset of the first byte this decoder will see.
   * @param buffers Where the output buffer is taken from and given back to.
   */
  constructor(rawStart: number, buffers?: Buffers) {
    this.#raw = rawStart;
    this.#buffers = buffers;
  }

  /** Give the output buffer back until the next push: the last decoded bytes are not read again. */
  release(): void {
    if (this.#buffers === undefined || this.#out === NO_CARRY) return;
    this.#buffers.give(this.#out);
    this.#out = NO_CARRY;
  }

  /** Absolute raw offset of the last escape's end (the start when there was none). */
  get lastEscapeEnd(): number {
    const last = this.#escapes.at(-1);
    return last === undefined ? -1 : last.raw + last.rawLen;
  }

  /** Raw offset of the first byte not yet decoded (an incomplete escape waits there). */
  get pending(): number {
    return this.#raw;
  }

  /**
   * Decode the next chunk.
   *
   * @param chunk Raw bytes.
   * @param final No more input follows: an incomplete escape is copied as it is.
   * @param found Where the escapes are, when the caller searched already: `decodableEscapes` of a
   *   text of `length` bytes that holds `chunk` at `shift`. Used only when no escape waits from the
   *   last push (one that does may take bytes of `chunk` and so parse it differently).
   * @returns The decoded bytes, valid until the next push.
   */
  push(
    chunk: Uint8Array,
    final = false,
    found?: { escapes: readonly number[]; shift: number; length: number },
  ): Uint8Array {
    const carried = this.#carry.length > 0;
    const join = carried ? joined(this.#carry, chunk, this.#buffers) : undefined;
    const input = join?.bytes ?? chunk;
    this.#carry = NO_CARRY;
    // Decoding never lengthens: the output fits in the input's length.
    if (this.#out.length < input.length) {
      const size = Math.max(input.length, 2 * this.#out.length);
      this.release();
      this.#out = this.#buffers?.take(size) ?? new Uint8Array(size);
    }
    const out = this.#out;
    let n = 0;
    let i = 0;
    const escapes = found?.escapes ?? [];
    const shift = found?.shift ?? 0;
    // Where the list says an escape reaches when the text's end may cut it.
    const cut = found?.length ?? -1;
    // From where the bytes are searched: all of them without a list, else from the escape the
    // text's end may cut (listed as reaching the end: the list holds no escape after it).
    const last = escapes.length - 2;
    const searchFrom = found === undefined || carried
      ? 0
      : last >= 0 && escapes[last + 1] === cut
      ? escapes[last]! - shift
      : Infinity;
    let search: EscapeSearch | undefined;
    let k = 0;
    for (; i < input.length; i++) {
      let next: number;
      // The raw length of the escape at `next` when the list says it (and it lies whole in the
      // input): it is neither cut by the input's end nor parsed again. 0: unknown.
      let listed = 0;
      if (i >= searchFrom) next = (search ??= new EscapeSearch(input)).next(i);
      else {
        while (k < escapes.length && escapes[k]! - shift < i) k += 2;
        next = k < escapes.length ? Math.min(escapes[k]! - shift, input.length) : input.length;
        // One the text's end may cut (listed as reaching it) is parsed here, as searched ones are.
        const end = k < escapes.length && escapes[k + 1] !== cut
          ? escapes[k + 1]! - shift
          : Infinity;
        if (end <= input.length) listed = end - next;
      }
      // Bytes between escapes are copied in one go (most of a stretch is plain text).
      if (next > i) {
        copy(input, i, next, out, n);
        n += next - i;
        i = next;
        if (i === input.length) break;
      }
      const byte = input[i]!;
      if (
        listed === 0 && !final &&
        input.length - i < (byte === PERCENT ? 3 : escapeLength(input, i))
      ) {
        // A copy: `slice` of a Node Buffer is a view, and a caller may reuse its chunk's memory.
        this.#carry = Uint8Array.prototype.slice.call(input, i);
        break;
      }
      const rawLen = listed > 0 ? listed : escapeAt(input, i);
      if (rawLen === 0) {
        out[n++] = byte;
        continue;
      }
      const written = decodeEscape(input, i, rawLen, out, n);
      this.#escapes.push({ dec: this.#dec + n, decLen: written - n, raw: this.#raw + i, rawLen });
      n = written;
      i += rawLen - 1;
    }
    this.#raw += i;
    this.#dec += n;
    // Whatever of the input is still needed was copied into the carry.
    if (join !== undefined) this.#buffers?.give(join.store);
    return out.subarray(0, n);
  }

  /**
   * The raw span of a decoded span, and whether an escape lies inside it.
   *
   * @param start Decoded offset of the first byte.
   * @param end Decoded offset one past the last byte.
   * @returns Raw start and end, and whether the span decoded anything.
   */
  toRaw(start: number, end: number): { start: number; end: number; escaped: boolean } {
    const first = this.#at(start);
    const last = this.#at(end - 1);
    return {
      start: first.raw,
      end: last.rawEnd,
      escaped: this.escapedIn(start, end),
    };
  }

  /**
   * Whether an escape produced any decoded byte of `[start, end)` (kept escapes only: callers ask
   * about offsets not yet forgotten).
   */
  escapedIn(start: number, end: number): boolean {
    const escapes = this.#escapes;
    // The last escape that starts before `end`, by bisection (they are in decoded order).
    let lo = 0;
    let hi = escapes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (escapes[mid]!.dec < end) lo = mid + 1;
      else hi = mid;
    }
    const last = escapes[lo - 1];
    return last !== undefined && last.dec + last.decLen > start;
  }

  /**
   * The first decoded offset at or after `from` that an escape produced (Infinity when none yet).
   * Like {@link EscapeDecoder.escapedIn}, for offsets not yet forgotten.
   */
  nextEscaped(from: number): number {
    const escapes = this.#escapes;
    // The first escape that ends after `from`, by bisection (they are in decoded order).
    let lo = 0;
    let hi = escapes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = escapes[mid]!;
      if (e.dec + e.decLen <= from) lo = mid + 1;
      else hi = mid;
    }
    const next = escapes[lo];
    return next === undefined ? Infinity : Math.max(from, next.dec);
  }

  /** Raw offset where decoded byte `dec` begins (the pending offset past the end). */
  rawOffset(dec: number): number {
    return dec >= this.#dec ? this.#raw : this.#at(dec).raw;
  }

  /** Drop what is needed only for decoded offsets before `dec`. */
  forget(dec: number): void {
    let k = 0;
    // Keep the last escape that ends at or before `dec`: offsets after it are measured from it.
    while (
      k + 1 < this.#escapes.length &&
      this.#escapes[k + 1]!.dec + this.#escapes[k + 1]!.decLen <= dec
    ) k++;
    if (k > 0) this.#escapes = this.#escapes.slice(k);
  }

  /** The raw bytes of decoded byte `dec`: inside an escape, the whole escape. */
  #at(dec: number): { raw: number; rawEnd: number } {
    // The last escape that starts at or before `dec`, by bisection: every finding of a stretch is
    // mapped back, and a stretch of JSON keeps thousands of escapes.
    const escapes = this.#escapes;
    let lo = 0;
    let hi = escapes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (escapes[mid]!.dec <= dec) lo = mid + 1;
      else hi = mid;
    }
    const before = escapes[lo - 1];
    if (before !== undefined && dec < before.dec + before.decLen) {
      return { raw: before.raw, rawEnd: before.raw + before.rawLen };
    }
    const raw = before === undefined
      ? this.#origin() + dec
      : before.raw + before.rawLen + (dec - before.dec - before.decLen);
    return { raw, rawEnd: raw + 1 };
  }

  /** Raw offset of decoded offset 0, from the first escape kept (or the stream so far). */
  #origin(): number {
    const first = this.#escapes[0];
    if (first === undefined) return this.#raw - this.#dec;
    return first.raw - first.dec;
  }
}

/**
 * `a` then `b` in one array, taken from `buffers` when given (give `store` back once the bytes are
 * read: a new typed array costs about a microsecond, and a stretch joins its context to its first
 * chunk). A plain `Uint8Array`, never a Node `Buffer` (whose `subarray` builds a `FastBuffer` each
 * time, and the decoder cuts its input at every escape).
 */
export function joined(
  a: Uint8Array,
  b: Uint8Array,
  buffers?: Buffers,
): { bytes: Uint8Array; store: Uint8Array } {
  const length = a.length + b.length;
  const store = buffers?.take(length) ?? new Uint8Array(length);
  store.set(a);
  store.set(b, a.length);
  return { bytes: leading(store, length), store };
}

/** Below this many bytes a copy is a loop: a view to `set` from costs more (dense escapes). */
const SHORT_COPY = 32;

/** Copy `input[from, to)` into `out` at `at`, without a `Buffer` view of the input. */
function copy(input: Uint8Array, from: number, to: number, out: Uint8Array, at: number): void {
  if (to - from < SHORT_COPY) {
    for (let k = from; k < to; k++) out[at + k - from] = input[k]!;
    return;
  }
  out.set(new Uint8Array(input.buffer, input.byteOffset + from, to - from), at);
}

/** How many bytes the backslash escape at `i` needs to be decoded (0: it is no escape). */
function escapeLength(input: Uint8Array, i: number): number {
  const next = input[i + 1];
  if (next === undefined) return 2;
  if (next !== 0x75) return SIMPLE[next]! < 0 ? 0 : 2;
  if (i + 6 > input.length) return 6;
  const unit = unit16(input, i + 2);
  return unit >= 0xd800 && unit < 0xdc00 ? LONGEST : 6;
}

/**
 * The raw length of the escape at `i` (`%` or `\\`), 0 when it decodes nothing. Every escape of
 * every stretch goes through here, so it allocates nothing (see {@link decodeEscape}).
 */
function escapeAt(input: Uint8Array, i: number): number {
  if (input[i] === PERCENT) {
    if (i + 2 >= input.length) return 0;
    return hex(input[i + 1]!) * 16 + hex(input[i + 2]!) >= 0 ? 3 : 0;
  }
  const next = input[i + 1];
  if (next === undefined) return 0;
  if (SIMPLE[next]! >= 0) return 2;
  if (next !== 0x75) return 0;
  const unit = unit16(input, i + 2);
  if (unit < 0) return 0;
  return unit >= 0xd800 && unit < 0xdc00 && lowSurrogate(input, i) >= 0 ? 12 : 6;
}

/** The low half of a surrogate pair whose high half is the `\\u` escape at `i`, or -1. */
function lowSurrogate(input: Uint8Array, i: number): number {
  if (input[i + 6] !== BACKSLASH || input[i + 7] !== 0x75) return -1;
  const low = unit16(input, i + 8);
  return low >= 0xdc00 && low < 0xe000 ? low : -1;
}

/**
 * Write what the escape of `rawLen` bytes at `i` ({@link escapeAt}) decodes to into `out` at `n`:
 * one byte, or the UTF-8 of a `\\u` code point (a lone surrogate becomes U+FFFD).
 *
 * @returns The offset in `out` after the decoded bytes.
 */
function decodeEscape(
  input: Uint8Array,
  i: number,
  rawLen: number,
  out: Uint8Array,
  n: number,
): number {
  if (rawLen === 3) {
    out[n] = hex(input[i + 1]!) * 16 + hex(input[i + 2]!);
    return n + 1;
  }
  if (rawLen === 2) {
    out[n] = SIMPLE[input[i + 1]!]!;
    return n + 1;
  }
  const unit = unit16(input, i + 2);
  const code = rawLen === 12
    ? 0x10000 + ((unit - 0xd800) << 10) + (lowSurrogate(input, i) - 0xdc00)
    : unit >= 0xd800 && unit < 0xe000
    ? 0xfffd
    : unit;
  return utf8(code, out, n);
}

function unit16(input: Uint8Array, at: number): number {
  if (at + 4 > input.length) return -1;
  let value = 0;
  for (let k = 0; k < 4; k++) value = value * 16 + hex(input[at + k]!);
  return value;
}

/** Write the UTF-8 of a code point (not a surrogate) into `out` at `n`; returns the end. */
function utf8(code: number, out: Uint8Array, n: number): number {
  if (code < 0x80) {
    out[n] = code;
    return n + 1;
  }
  if (code < 0x800) {
    out[n] = 0xc0 | (code >>> 6);
    out[n + 1] = 0x80 | (code & 0x3f);
    return n + 2;
  }
  if (code < 0x10000) {
    out[n] = 0xe0 | (code >>> 12);
    out[n + 1] = 0x80 | ((code >>> 6) & 0x3f);
    out[n + 2] = 0x80 | (code & 0x3f);
    return n + 3;
  }
  out[n] = 0xf0 | (code >>> 18);
  out[n + 1] = 0x80 | ((code >>> 12) & 0x3f);
  out[n + 2] = 0x80 | ((code >>> 6) & 0x3f);
  out[n + 3] = 0x80 | (code & 0x3f);
  return n + 4;
}

function hex(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -256;
}
