/**
 * A shortcut for the run views: whether a decoding's probe could accept a try that starts at a
 * given character, worked out from the characters at hand instead of a decoding followed one
 * character at a time. A probe judges the first {@link PROBE} or more decoded bytes (at the end of
 * a run, at least {@link MIN_DECODED}) and accepts at most one non-printable byte in eight; this
 * decodes the same bytes and counts the same way, so it answers "no" exactly when the probe
 * would, and "maybe" when the characters at hand do not settle it. Most runs in traffic (hex
 * digests, paths, identifiers) are settled here in a few steps.
 */
import { BASE32, BASE64, HEX, HEX_DELIMITER, type RunDecoder, type Sink } from "./_run_decoders.ts";

/** Decoded bytes a probe judges. */
export const PROBE = 10;
/** At the end of a run, fewer decoded bytes than this are not scanned. */
export const MIN_DECODED = 8;
/**
 * The most non-printable bytes a passing probe holds: it judges at most `PROBE + 2` bytes (base64
 * decodes three at a time) and accepts one in eight. A gate that counts more stops there.
 */
const MOST_BAD = Math.floor((PROBE + 2) / 8);

/** Printable ASCII, tab, LF, CR. */
export function isBad(byte: number): boolean {
  return byte > 0x7e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d);
}

/**
 * {@link isBad} as a table a gate loads from for every byte it decodes (cheaper than the
 * comparisons).
 */
const BAD = new Uint8Array(256);
for (let byte = 0; byte < BAD.length; byte++) BAD[byte] = isBad(byte) ? 1 : 0;

/** Counts decoded bytes and the non-printable ones among them. */
class Counter implements Sink {
  count = 0;
  bad = 0;

  emit(byte: number): void {
    this.count++;
    if (isBad(byte)) this.bad++;
  }
}

/**
 * Whether a try decoded by `make` from `chars[from]` could pass its probe.
 *
 * @param make A fresh decoder of the encoding.
 * @param chars The run's characters.
 * @param from The try's first character.
 * @param to One past the last character known so far.
 * @param ended Whether the run ends at `to`.
 * @returns False only when the probe is certain to refuse the try.
 */
export function mayPass(
  make: () => RunDecoder,
  chars: Uint8Array,
  from: number,
  to: number,
  ended: boolean,
): boolean {
  const decoder = make();
  const counter = new Counter();
  for (let i = from; i < to && counter.count < PROBE; i++) {
    if (!decoder.push(chars[i]!, i, counter) || counter.bad > MOST_BAD) return false;
  }
  if (counter.count < PROBE) {
    if (!ended) return true;
    decoder.flush(counter);
    if (counter.count < MIN_DECODED) return false;
  }
  return counter.bad * 8 <= counter.count;
}

/** {@link mayPass} for one encoding, with the decoder fixed. */
export type Gate = (chars: Uint8Array, from: number, to: number, ended: boolean) => boolean;

/**
 * {@link mayPass} for base64, without a decoder object: a run view asks it for every run and
 * every restart, so it decodes the groups in place.
 */
export function base64Gate(chars: Uint8Array, from: number, to: number, ended: boolean): boolean {
  let bits = 0;
  let count = 0;
  let decoded = 0;
  let bad = 0;
  for (let i = from; i < to && decoded < PROBE; i++) {
    const value = BASE64[chars[i]!]!;
    if (value < 0) return false;
    bits = (bits << 6) | value;
    if (++count === 4) {
      bad += badCount(bits >>> 16) + badCount((bits >>> 8) & 0xff) + badCount(bits & 0xff);
      if (bad > MOST_BAD) return false;
      decoded += 3;
      bits = 0;
      count = 0;
    }
  }
  if (decoded < PROBE) {
    if (!ended) return true;
    if (count >= 2) {
      bits <<= 6 * (4 - count);
      bad += badCount(bits >>> 16);
      decoded++;
      if (count === 3) {
        bad += badCount((bits >>> 8) & 0xff);
        decoded++;
      }
    }
    if (decoded < MIN_DECODED) return false;
  }
  return bad * 8 <= decoded;
}

/** {@link mayPass} for base32, without a decoder object (see {@link base64Gate}). */
export function base32Gate(chars: Uint8Array, from: number, to: number, ended: boolean): boolean {
  let bits = 0;
  let have = 0;
  let count = 0;
  let decoded = 0;
  let bad = 0;
  for (let i = from; i < to && decoded < PROBE; i++) {
    const value = BASE32[chars[i]!]!;
    if (value < 0) return false;
    bits = (bits << 5) | value;
    have += 5;
    if (have >= 8) {
      have -= 8;
      bad += badCount((bits >>> have) & 0xff);
      if (bad > MOST_BAD) return false;
      decoded++;
      bits &= (1 << have) - 1;
    }
    if (++count === 8) {
      bits = 0;
      have = 0;
      count = 0;
    }
  }
  if (decoded < PROBE) {
    if (!ended) return true;
    if (decoded < MIN_DECODED) return false;
  }
  return bad * 8 <= decoded;
}

/**
 * {@link mayPass} for hex (see {@link base64Gate}): the state of `HexDecoder` in locals. Delimited
 * hex (`de:ad:be:ef`, `0x41, 0x42`, `\\x41\\x42`) is judged like contiguous hex.
 */
export function hexGate(chars: Uint8Array, from: number, to: number, ended: boolean): boolean {
  let high = -1;
  let highIsZero = false;
  let afterBackslash = false;
  let delimiters = 0;
  let decoded = 0;
  let bad = 0;
  for (let i = from; i < to && decoded < PROBE; i++) {
    const byte = chars[i]!;
    if (afterBackslash) {
      afterBackslash = false;
      if (byte !== X_LOWER && byte !== X_UPPER) return false;
      continue;
    }
    const value = HEX[byte]!;
    if (value >= 0) {
      delimiters = 0;
      if (high < 0) {
        high = value;
        highIsZero = byte === 0x30;
      } else {
        bad += badCount(high * 16 + value);
        if (bad > MOST_BAD) return false;
        decoded++;
        high = -1;
      }
      continue;
    }
    if (byte === X_LOWER || byte === X_UPPER) {
      if (high < 0 || !highIsZero) return false;
      high = -1;
      highIsZero = false;
      continue;
    }
    if (high >= 0) return false;
    if (byte === BACKSLASH) afterBackslash = true;
    else if (HEX_DELIMITER[byte] !== 1 || ++delimiters > 2) return false;
  }
  if (decoded < PROBE) {
    if (!ended) return true;
    if (decoded < MIN_DECODED) return false;
  }
  return bad * 8 <= decoded;
}

const BACKSLASH = 0x5c;
const X_LOWER = 0x78;
const X_UPPER = 0x58;

function badCount(byte: number): number {
  return BAD[byte]!;
}
