/**
 * `checksummed`: deciding a *chain*, digit groups joined by one repeated separator (cards written
 * `4-4-4-4`, IBANs in groups of four, a CPF's `ddd.ddd.ddd-dd`), by its exact shape, its context
 * and its checksum. Words are decided in `_checksum_words.ts`. Offsets are local to the window.
 */
import { cpfValid, ibanValid, luhnValid } from "./_checksums.ts";
import { cardNetwork, ibanLength } from "./_checksum_tables.ts";
import { at, checksumFinding, isAlnum, isDigit, numberContextOk } from "./_checksum_words.ts";
import type { Finding } from "./_types.ts";
import type { ScanWindow } from "./_window.ts";

/** The longest digit group of a written card. */
const MAX_GROUP = 6;
/** The most groups a written card has (4-4-4-4-3). */
const MAX_GROUPS = 5;

/**
 * Decide the digit groups around the digit run `[a, b)` (local offsets, a whole run of at most 6
 * digits, next to a separator): a card written in groups, a CPF, an IBAN in groups of four.
 */
export function evaluateChain(
  win: ScanWindow,
  a: number,
  b: number,
  location: string,
): Finding | undefined {
  // Called for every digit group next to a separator (dates, decimals, versions): no allocation
  // until a rule's shape fits.
  const bytes = win.bytes;
  if (!mayChain(bytes, a, b)) return undefined;
  const card = cardChain(bytes, a, b, at(bytes, b)) ?? cardChain(bytes, a, b, at(bytes, a - 1));
  if (card !== undefined) {
    const snippet = `${card.network} card number (${card.digits} digits)`;
    return checksumFinding(win, location, "payment_card", snippet, card.span);
  }
  // `[a, b)` is a whole digit run: one of a CPF's three-digit groups, or its two check digits.
  for (let k = 0; k < 4; k++) {
    const start = k === 3 ? a - 12 : b - 3 - 4 * k;
    if (b - a !== (k === 3 ? 2 : 3)) continue;
    if (cpfAt(bytes, start)) {
      return checksumFinding(win, location, "br_cpf", "Brazilian CPF", [start, start + 14]);
    }
  }
  const iban = ibanGroups(bytes, a, b);
  return iban === undefined
    ? undefined
    : checksumFinding(win, location, "iban", iban.snippet, iban.span);
}

/**
 * Whether the digit run `[a, b)` can be a group of any chain rule, by its neighbours alone: an
 * IBAN's or a spaced card's groups sit next to a space or before a letter, a dashed card's have
 * another group across a dash (so do a CPF's check digits), a CPF's groups of three
 * (`ddd.ddd.ddd-dd`) have its punctuation where it falls. Decimals, versions and most dates stop
 * here.
 */
function mayChain(bytes: Uint8Array, a: number, b: number): boolean {
  const before = at(bytes, a - 1);
  const after = at(bytes, b);
  if (before === 0x20 || after === 0x20 || isAlnum(after)) return true;
  if (before === 0x2d && isDigit(at(bytes, a - 2))) return true;
  if (after === 0x2d && isDigit(at(bytes, b + 1))) return true;
  return b - a === 3 &&
    ((after === 0x2e && at(bytes, b + 4) === 0x2e) || (before === 0x2e && after === 0x2e) ||
      (before === 0x2e && after === 0x2d));
}

interface CardChain {
  network: string;
  digits: number;
  span: [number, number];
}

/** Card groups joined by `sep` around the group `[a, b)`: the whole chain must be one card. */
function cardChain(bytes: Uint8Array, a: number, b: number, sep: number): CardChain | undefined {
  if (sep !== 0x20 && sep !== 0x2d) return undefined;
  // Walk out over at most MAX_GROUPS groups of at most MAX_GROUP digits on each side.
  let start = a;
  let groups = 1;
  for (let k = 0; k < MAX_GROUPS; k++, groups++) {
    if (at(bytes, start - 1) !== sep || !isDigit(at(bytes, start - 2))) break;
    let g = start - 2;
    while (g > start - 2 - MAX_GROUP && isDigit(at(bytes, g - 1))) g--;
    start = g;
  }
  let end = b;
  for (let k = 0; k < MAX_GROUPS; k++, groups++) {
    if (at(bytes, end) !== sep || !isDigit(at(bytes, end + 1))) break;
    let g = end + 1;
    while (g < end + 1 + MAX_GROUP && isDigit(at(bytes, g))) g++;
    end = g;
  }
  if (groups < 3 || groups > MAX_GROUPS) return undefined;
  // Still more groups (or a longer group) on either side: part of a longer number.
  if (isDigit(at(bytes, start - 1)) || isDigit(at(bytes, end))) return undefined;
  if (at(bytes, start - 1) === sep && isDigit(at(bytes, start - 2))) return undefined;
  if (at(bytes, end) === sep && isDigit(at(bytes, end + 1))) return undefined;
  if (isAlnum(at(bytes, start - 1)) || isAlnum(at(bytes, end))) return undefined;
  if (!numberContextOk(bytes, start, end)) return undefined;
  // Every group is now a whole digit run of at most MAX_GROUP digits between single separators:
  // their sizes, one octal digit each, decide the grouping before any array is built (dates and
  // version numbers come this far).
  let sizes = 0;
  let size = 0;
  for (let k = start; k < end; k++) {
    if (at(bytes, k) !== sep) size++;
    else {
      sizes = sizes * 8 + size;
      size = 0;
    }
  }
  if (!CARD_GROUPINGS.has(sizes * 8 + size)) return undefined;
  const values: number[] = [];
  for (let k = start; k < end; k++) if (at(bytes, k) !== sep) values.push(at(bytes, k) - 48);
  const network = cardNetwork(values);
  if (network === undefined || !luhnValid(values)) return undefined;
  return { network, digits: values.length, span: [start, end] };
}

/**
 * How cards are written, as group sizes in octal digits: groups of four (the last one shorter),
 * Amex 4-6-5, Diners 4-6-4.
 */
const CARD_GROUPINGS: ReadonlySet<number> = new Set([
  ...[1, 2, 3, 4].map((last) => 0o4440 + last),
  ...[1, 2, 3].map((last) => 0o44440 + last),
  0o465,
  0o464,
]);

/** A CPF written `ddd.ddd.ddd-dd` at local offset `s`, standing alone, with valid check digits. */
function cpfAt(bytes: Uint8Array, s: number): boolean {
  if (s < 0) return false;
  for (let k = 0; k < 14; k++) {
    const b = at(bytes, s + k);
    const punct = k === 3 || k === 7 ? 0x2e : k === 11 ? 0x2d : 0;
    if (punct !== 0 ? b !== punct : !isDigit(b)) return false;
  }
  const before = at(bytes, s - 1);
  const after = at(bytes, s + 14);
  if (isAlnum(before) || isAlnum(after) || before === 0x5f || after === 0x5f) return false;
  // `1.529.982.247-25` or `529.982.247-25-1` continue a longer number; a space does not.
  const dotOrDash = (b: number) => b === 0x2e || b === 0x2d;
  if ((dotOrDash(before) || before === 0x2b) && isDigit(at(bytes, s - 2))) return false;
  if (dotOrDash(after) && isDigit(at(bytes, s + 15))) return false;
  const digits: number[] = [];
  for (let k = 0; k < 14; k++) {
    if (k !== 3 && k !== 7 && k !== 11) digits.push(at(bytes, s + k) - 48);
  }
  return cpfValid(digits);
}

/**
 * An IBAN in groups of four separated by single spaces, one of whose groups is `[a, b)`: walk
 * back over groups to a country code with two check digits, then read the country's length.
 */
function ibanGroups(
  bytes: Uint8Array,
  a: number,
  b: number,
): { snippet: string; span: [number, number] } | undefined {
  if (at(bytes, a - 1) !== 0x20 && at(bytes, b) !== 0x20 && !isAlnum(at(bytes, b))) {
    return undefined;
  }
  let w = a;
  while (w > a - 4 && isAlnum(at(bytes, w - 1))) w--;
  if (isAlnum(at(bytes, w - 1))) return undefined;
  for (let k = 0; k < 9 && w >= 0; k++) {
    const length = ibanLength(at(bytes, w), at(bytes, w + 1));
    if (length !== 0 && at(bytes, w + 4) === 0x20 && !isAlnum(at(bytes, w - 1))) {
      const end = ibanGroupedAt(bytes, w, length);
      if (end !== undefined && end >= b) {
        const country = String.fromCharCode(at(bytes, w), at(bytes, w + 1)).toUpperCase();
        return { snippet: `${country} IBAN (${length})`, span: [w, end] };
      }
    }
    if (at(bytes, w - 1) !== 0x20 || !isAlnum(at(bytes, w - 5)) || isAlnum(at(bytes, w - 6))) break;
    w -= 5;
    for (let t = 0; t < 4; t++) if (!isAlnum(at(bytes, w + t))) return undefined;
  }
  return undefined;
}

/** The end of an IBAN of `length` characters written in groups of four from `w`, if valid. */
function ibanGroupedAt(bytes: Uint8Array, w: number, length: number): number | undefined {
  const chars: number[] = [];
  let q = w;
  for (let k = 0; k < length; k++, q++) {
    if (k > 0 && k % 4 === 0) {
      if (at(bytes, q) !== 0x20) return undefined;
      q++;
    }
    const c = at(bytes, q);
    if (!isAlnum(c)) return undefined;
    chars.push(c);
  }
  if (isAlnum(at(bytes, q))) return undefined;
  const upper = chars.some((c) => c >= 65 && c <= 90);
  const lower = chars.some((c) => c >= 97);
  if ((upper && lower) || !isDigit(chars[2]) || !isDigit(chars[3])) return undefined;
  return ibanValid(chars) ? q : undefined;
}
