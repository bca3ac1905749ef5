/**
 * Finding runs for the run views four or eight bytes at a time. A run of `size × span + size - 1`
 * or more characters covers `span` whole aligned units of `size` bytes, so a search reads the last
 * unit of a candidate window first: when it is not wholly in the class, no window holding it can
 * be, and the search jumps past it. On text most jumps are a whole window long.
 */

/** Base64 and base32 characters. */
export const ALPHABET = 1;
/** Hex digits and the delimiters and prefixes of delimited hex. */
export const HEXISH = 2;
/** Base64 characters a try may start again after (`_run_kinds.ts`). */
export const ALPHABET_SOFT = 4;
/** Hex delimiters a try may start again after. */
export const HEXISH_SOFT = 8;
/** CR and LF, which may join the lines of a wrapped run. */
export const LINE_BREAK = 16;
/** Per byte, the run classes it belongs to. */
export const CLASS = new Uint8Array(256);
/** Per 16-bit pair (either byte order), the classes both bytes share. */
export const PAIR = new Uint8Array(65536);
/** Per 16-bit pair, the classes either byte belongs to. */
const EITHER = new Uint8Array(65536);
{
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_";
  for (const c of alphabet) CLASS[c.charCodeAt(0)]! |= ALPHABET;
  for (const c of "0123456789abcdefABCDEF:,- \\xX") CLASS[c.charCodeAt(0)]! |= HEXISH;
  for (const c of "+/-_") CLASS[c.charCodeAt(0)]! |= ALPHABET_SOFT;
  for (const c of ":,- \\") CLASS[c.charCodeAt(0)]! |= HEXISH_SOFT;
  for (const c of "\r\n") CLASS[c.charCodeAt(0)]! |= LINE_BREAK;
  for (let x = 0; x < 65536; x++) {
    PAIR[x] = CLASS[x & 0xff]! & CLASS[x >>> 8]!;
    EITHER[x] = CLASS[x & 0xff]! | CLASS[x >>> 8]!;
  }
}

/** How a kind of run is searched for: its class, and its window of whole units. */
export interface RunSearch {
  readonly bit: number;
  /** Words per unit: 2 where the class is common in text (letters), 1 where it is rare. */
  readonly unit: 1 | 2;
  /** Whole aligned units inside every run long enough to decode. */
  readonly span: number;
}

/**
 * Start of the first run of `bit` bytes at or after `from` that covers `span` whole units, or -1.
 * The last unit of a candidate window is read first: when it fails, no window holding it can
 * succeed, and the scan jumps past it. Letters fill four bytes of text often but eight rarely,
 * so base64 is searched for by eight-byte units: fewer reads, and fewer mispredicted branches.
 */
export function findRun(
  bytes: Uint8Array,
  from: number,
  words: Uint32Array,
  lead: number,
  search: RunSearch,
): number {
  const at = search.unit === 2
    ? findPairs(words, Math.max(0, Math.ceil((from - lead) / 8)), search.bit, search.span)
    : findWords(words, Math.max(0, Math.ceil((from - lead) / 4)), search.bit, search.span);
  if (at < 0) return -1;
  const bit = search.bit;
  let s = lead + 4 * at;
  while (s > from && (CLASS[bytes[s - 1]!]! & bit) !== 0) s--;
  return s;
}

/** Word index of the first window of `span` whole words in class `bit`, from word `k`. */
function findWords(words: Uint32Array, k: number, bit: number, span: number): number {
  const last = words.length - span;
  while (k <= last) {
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
    if (j < 0) return k;
    k += j + 1;
  }
  return -1;
}

/** Word index of the first window of `span` whole word pairs in class `bit`, from pair `u`. */
function findPairs(words: Uint32Array, u: number, bit: number, span: number): number {
  const last = (words.length >> 1) - span;
  while (u <= last) {
    let i = 2 * (u + span - 1);
    let a = words[i]!;
    let b = words[i + 1]!;
    if ((PAIR[a & 0xffff]! & PAIR[a >>> 16]! & PAIR[b & 0xffff]! & PAIR[b >>> 16]! & bit) === 0) {
      u += span;
      continue;
    }
    let j = span - 2;
    while (j >= 0) {
      i = 2 * (u + j);
      a = words[i]!;
      b = words[i + 1]!;
      if ((PAIR[a & 0xffff]! & PAIR[a >>> 16]! & PAIR[b & 0xffff]! & PAIR[b >>> 16]! & bit) === 0) {
        break;
      }
      j--;
    }
    if (j < 0) return 2 * u;
    u += j + 1;
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

/**
 * Offset of the first byte of class `bit` in `[from, to)`, or `to`: a word at a time where
 * aligned (`words` from `lead`, as for {@link skipRun}).
 */
export function nextOf(
  bytes: Uint8Array,
  range: { from: number; to: number },
  words: Uint32Array,
  lead: number,
  bit: number,
): number {
  const to = range.to;
  let j = range.from;
  while (j < to && (j < lead || ((j - lead) & 3) !== 0)) {
    if ((CLASS[bytes[j]!]! & bit) !== 0) return j;
    j++;
  }
  let k = (j - lead) >> 2;
  const lastWord = Math.min(words.length, (to - lead) >> 2);
  while (k < lastWord) {
    const w = words[k]!;
    if (((EITHER[w & 0xffff]! | EITHER[w >>> 16]!) & bit) !== 0) break;
    k++;
  }
  j = Math.max(j, lead + 4 * k);
  while (j < to && (CLASS[bytes[j]!]! & bit) === 0) j++;
  return j;
}
