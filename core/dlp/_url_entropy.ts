/**
 * `url_entropy`: long opaque values in a request URL (a path segment or a query value) that look
 * like a random secret or encoded data, whatever their format.
 *
 * A value is a run of letters, digits and `-_+` (and `/`, which standard base64 uses, inside
 * the query); anything else ends it (`.`, `?`, `&`, `=`, `%`… and, in the path, `/`). A value of
 * at least {@link MIN_OPAQUE} characters is judged:
 * - shapes that are public by design pass: hex only (git SHAs, content-addressed digests, UUIDs),
 *   digits only (timestamps, IDs), named digests (`pack-<sha1>`, base32 and Nix hashes, IPFS
 *   CIDs), JWT-shaped tokens (`eyJ…` and the dotted parts after it; `token_patterns` judges
 *   those), integrity strings (`sha512-…`), base64 of a URL (redirect links), and values that
 *   are more than 15% punctuation (slugs, versions);
 * - its Shannon entropy may fall at most 0.6 bits short of what a random string of its length
 *   over its alphabet (letters in one or both cases, digits) measures;
 * - then a randomness score weighs how far its vowels are below the 38% of words (random letters
 *   hold about 19%), how often it switches class (lower, upper, digit, punctuation: identifiers
 *   in camel or snake case switch only between words), how close its entropy is to random, and
 *   its share of digits. A score of 1 or more blocks.
 *
 * Tuned on random keys (base62, base64url, base36 in either case: about 99% of those of 28
 * characters and more are caught) against identifiers, slugs, file names and version strings
 * of the same lengths (none is). Public random identifiers of 28 characters and more (some
 * playlist IDs) are refused too: a route that must carry them lists its detectors without
 * `url_entropy`.
 */
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** Shortest value judged. */
export const MIN_OPAQUE = 28;
/** Values are judged on at most this many characters; also this pass's stream overlap. */
const MAX_JUDGED = 4096;

const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const PUNCT = 4;

/** Character classes of the bytes a value may hold; 0 ends a value. `/` is decided by place. */
const CLASS = classTable();

const SLASH = 0x2f;
const QUESTION = 0x3f;
const DOT = 0x2e;
const HASH = 0x23;
const VOWELS = new Set(Array.from("aeiouAEIOU", (c) => c.charCodeAt(0)));

/**
 * Whether a URL value looks like a random secret or encoded data (see the module doc).
 *
 * @param value The value's bytes (letters, digits and `-_.+/` only).
 * @returns Its entropy in bits per character when it is opaque, else `undefined`.
 */
export function opaqueValue(value: Uint8Array): number | undefined {
  const length = value.length;
  if (length < MIN_OPAQUE || publicShape(value)) return undefined;
  const counts = new Map<number, number>();
  let hexOnly = true;
  let lower = false;
  let upper = false;
  let digits = 0;
  let punct = 0;
  let letters = 0;
  let vowels = 0;
  let switches = 0;
  let previous = 0;
  for (const b of value) {
    counts.set(b, (counts.get(b) ?? 0) + 1);
    const cls = CLASS[b] === 0 ? PUNCT : CLASS[b]!;
    if (cls === LOWER || cls === UPPER) {
      letters++;
      if (VOWELS.has(b)) vowels++;
      if ((b | 0x20) > 0x66) hexOnly = false;
    }
    lower ||= cls === LOWER;
    upper ||= cls === UPPER;
    if (cls === DIGIT) digits++;
    if (cls === PUNCT) {
      punct++;
      if (b !== 0x2d) hexOnly = false;
    }
    if (previous !== 0 && cls !== previous) switches++;
    previous = cls;
  }
  if (hexOnly || letters === 0 || punct / length > 0.15 || namedDigest(value)) return undefined;
  const alphabet = (lower ? 26 : 0) + (upper ? 26 : 0) + (digits > 0 ? 10 : 0);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / length) * Math.log2(n / length);
  // What a random string of this length over this alphabet measures (the plug-in estimate is
  // biased low by about (A - 1) / (2 L ln 2) bits).
  const expected = Math.log2(alphabet) - (alphabet - 1) / (2 * length * Math.LN2);
  const shortfall = expected - bits;
  if (shortfall > 0.6) return undefined;
  const randomness = (0.38 - vowels / letters) * 6 + (switches / (length - 1) - 0.2) * 2 +
    (0.6 - shortfall) * 1.5 + Math.min(digits / length, 0.25) * 2;
  return randomness >= 1 ? bits : undefined;
}

/**
 * Shapes that are public by design: JWT-shaped (`eyJ…`), integrity strings (`sha512-…`) and
 * base64 of a URL (`aHR0c…`, redirect and tracking links).
 */
function publicShape(value: Uint8Array): boolean {
  const head = String.fromCharCode(...value.subarray(0, 8));
  return head.startsWith("eyJ") || head.startsWith("aHR0c") ||
    /^sha(?:1|224|256|384|512)-/i.test(head);
}

/**
 * A digest with a name: segments (split at `-_+/`) that are all hex, digits or short words
 * (`pack-<sha1>`, `main-<contenthash>`), a lower-case base32 or Nix base32 hash (IPFS CIDv1,
 * Nix store paths) or an IPFS CIDv0 (`Qm` and 44 base58 characters).
 */
function namedDigest(value: Uint8Array): boolean {
  const text = String.fromCharCode(...value.subarray(0, MAX_JUDGED));
  if (text.split(/[-_+/]/).every((part) => /^(?:[0-9a-f]+|[0-9A-F]+|[a-zA-Z]{1,10})$/.test(part))) {
    return true;
  }
  if (/^[a-z2-7]+$/.test(text) || /^[0-9a-df-np-sv-z]{32}(?:[0-9a-df-np-sv-z]{20})?$/.test(text)) {
    return true;
  }
  return /^Qm[1-9A-HJ-NP-Za-km-z]{44}$/.test(text);
}

/** Per-scan state: finds the values of a URL and judges each once it has ended. */
export class UrlEntropyPass implements ScanPass {
  readonly #location: string;
  #pos = 0;
  /** Absolute start of the current value, -1 outside one. */
  #start = -1;
  /** Past the `?`: `/` belongs to values. */
  #inQuery = false;
  /** Inside a value already judged on its first {@link MAX_JUDGED} characters. */
  #judged = false;
  /** The values after a dot that follows an `eyJ…` value: the rest of a JWT-shaped token. */
  #inJwt = false;

  constructor(location: string) {
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const { bytes, base } = win;
    for (let j = this.#pos - base; j < bytes.length; j++) {
      const b = bytes[j]!;
      const inValue = CLASS[b] !== 0 || (b === SLASH && this.#inQuery);
      if (inValue) {
        if (this.#start < 0) this.#start = base + j;
        if (!this.#judged && base + j + 1 - this.#start >= MAX_JUDGED) {
          this.#judge(win, this.#start, base + j + 1, out);
          this.#judged = true;
        }
        continue;
      }
      this.#close(win, base + j, b, out);
      if (b === QUESTION || b === HASH) this.#inQuery = true;
    }
    this.#pos = win.end;
    if (win.final) this.#close(win, win.end, 0, out);
  }

  keepFrom(): number {
    return this.#start >= 0 && !this.#judged ? this.#start : this.#pos;
  }

  #close(win: ScanWindow, end: number, next: number, out: Finding[]): void {
    if (this.#start < 0) {
      this.#inJwt = false;
      return;
    }
    const local = this.#start - win.base;
    const jwt = this.#inJwt ||
      (win.bytes[local] === 0x65 && win.bytes[local + 1] === 0x79 && win.bytes[local + 2] === 0x4a);
    if (!jwt && !this.#judged) this.#judge(win, this.#start, end, out);
    this.#inJwt = jwt && next === DOT;
    this.#start = -1;
    this.#judged = false;
  }

  #judge(win: ScanWindow, start: number, end: number, out: Finding[]): void {
    const bits = opaqueValue(win.bytes.subarray(start - win.base, end - win.base));
    if (bits === undefined) return;
    out.push({
      detector: "url_entropy",
      rule: "opaque_url_value",
      severity: "block",
      location: this.#location,
      snippet: `…(${end - start} chars, ${bits.toFixed(1)} bits/char)`,
      start,
      end,
    });
  }
}

function classTable(): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0x61; b <= 0x7a; b++) table[b] = LOWER;
  for (let b = 0x41; b <= 0x5a; b++) table[b] = UPPER;
  for (let b = 0x30; b <= 0x39; b++) table[b] = DIGIT;
  for (const ch of "-_+") table[ch.charCodeAt(0)] = PUNCT;
  return table;
}
