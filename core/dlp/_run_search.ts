/**
 * Finding runs for the run views four bytes at a time. A run of `4 × span + 3` or more characters
 * covers `span` whole aligned words, so a search reads the last word of a candidate window first:
 * when it is not wholly in the class, no window holding it can be, and the search jumps past it.
 * On text most jumps are a whole window long.
 */

/** Base64 and base32 characters. */
export const ALPHABET = 1;
/** Hex digits and the delimiters and prefixes of delimited hex. */
export const HEXISH = 2;
/** Per byte, the run classes it belongs to. */
export const CLASS = new Uint8Array(256);
/** Per 16-bit pair (either byte order), the classes both bytes share. */
export const PAIR = new Uint8Array(65536);
{
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  for (const c of alphabet) CLASS[c.charCodeAt(0)]! |= ALPHABET;
  for (const c of "0123456789abcdefABCDEF:,- \\xX") CLASS[c.charCodeAt(0)]! |= HEXISH;
  for (let x = 0; x < 65536; x++) PAIR[x] = CLASS[x & 0xff]! & CLASS[x >>> 8]!;
}

/**
 * Start of the first run of `bit` bytes at or after `from` that covers `span` whole words, or -1.
 * The last word of a candidate window is read first: when it fails, no window holding it can
 * succeed, and the scan jumps past it.
 */
export function findRun(
  bytes: Uint8Array,
  from: number,
  words: Uint32Array,
  lead: number,
  kind: { bit: number; span: number },
): number {
  const { bit, span } = kind;
  let k = Math.max(0, (from - lead + 3) >> 2);
  const last = words.length - span;
  while (k <= last) {
    // Most windows fail on their last word: that test stays out of the inner loop.
    const end = words[k + span - 1]!;
    if ((PAIR[end & 0xffff]! & PAIR[end >>> 16]! & bit) === 0) {
      k += span;
      continue;
    }
    let j = span - 2;
    while (j >= 0) {
      const w = words[k + j]!;
      if ((PAIR[w & 0xffff]! & PAIR[w >>> 16]! & bit) === 0) break;
      j--;
    }
    if (j >= 0) {
      k += j + 1;
      continue;
    }
    let s = lead + 4 * k;
    while (s > from && (CLASS[bytes[s - 1]!]! & bit) !== 0) s--;
    return s;
  }
  return -1;
}

/** End of the run of `bit` bytes at `from` (a word at a time where aligned). */
export function skipRun(
  bytes: Uint8Array,
  from: number,
  words: Uint32Array,
  lead: number,
  bit: number,
): number {
  const n = bytes.length;
  let j = from;
  while (j < n && (j < lead || ((j - lead) & 3) !== 0)) {
    if ((CLASS[bytes[j]!]! & bit) === 0) return j;
    j++;
  }
  let k = (j - lead) >> 2;
  while (k < words.length) {
    const w = words[k]!;
    if ((PAIR[w & 0xffff]! & PAIR[w >>> 16]! & bit) === 0) break;
    k++;
  }
  j = Math.max(j, lead + 4 * k);
  while (j < n && (CLASS[bytes[j]!]! & bit) !== 0) j++;
  return j;
}
