/**
 * `checksummed`: deciding a candidate the pass found. A *word* is a maximal run of letters and
 * digits (card and IBAN written contiguously, base58 and bech32 keys and addresses, national
 * identifiers); chains of digit groups are decided in `_checksum_chains.ts` with the byte helpers
 * here. Each is checked for its exact shape, its context (a number that continues a longer one, a
 * decimal, a phone number's `+`, an identifier's `_`) and then its checksum. Offsets are local to
 * the window.
 */
import {
  base58ChecksumOk,
  base58Decode,
  cnResidentIdValid,
  dniLetter,
  ibanValid,
  luhnValid,
  segwitValid,
} from "./_checksums.ts";
import { cardNetwork, ibanLength, mayBeCard } from "./_checksum_tables.ts";
import type { Finding } from "./_types.ts";
import type { ScanWindow } from "./_window.ts";

/** Bytes before an identifier searched for its keyword. */
const CONTEXT = 48;
/**
 * The shortest base58 address looked at: the scanner finds runs of 29 characters or more, and
 * P2PKH/P2SH addresses have 33 or 34 (shorter ones need a hash with several leading zero bytes).
 */
const MIN_ADDRESS = 29;
/** Keywords that must precede a Spanish DNI (8 digits and a letter is a common shape). */
const DNI_KEYWORDS = ["dni", "nif", "documento"];
/**
 * Keywords that must precede a Chinese resident ID: 18-digit numbers (snowflake IDs) pass the
 * province, date and check digit about once in 60,000, too often for traffic full of them.
 */
const CN_KEYWORDS = [
  "\xe8\xba\xab\xe4\xbb\xbd\xe8\xaf\x81", // 身份证 in UTF-8, as latin1 bytes
  "id card",
  "idcard",
  "id_card",
  "id-card",
  "id number",
  "id_number",
  "idnumber",
  "id no",
  "id_no",
  "idno",
  "resident",
  "citizen",
  "shenfenzheng",
  "sfz",
];

/** Card separators, CPF punctuation. */
export function isSep(b: number): boolean {
  return b === 0x20 || b === 0x2d || b === 0x2e;
}

/** The byte at local offset `k`, 0 outside the window (a typed array reads `undefined` there). */
export function at(bytes: Uint8Array, k: number): number {
  return bytes[k] ?? 0;
}

/** Is `b` an ASCII digit? */
export function isDigit(b: number | undefined): boolean {
  return b !== undefined && b >= 48 && b <= 57;
}

/** Is `b` an ASCII letter or digit? */
export function isAlnum(b: number | undefined): boolean {
  if (b === undefined) return false;
  const lower = b | 0x20;
  return (b >= 48 && b <= 57) || (lower >= 97 && lower <= 122);
}

/** Decide the word `[s, e)` (local offsets, maximal run of letters and digits). */
export function evaluateWord(
  win: ScanWindow,
  s: number,
  e: number,
  location: string,
): Finding | undefined {
  const bytes = win.bytes;
  const length = e - s;
  if (!mayMatch(bytes, s, length)) return undefined;
  let digits = 0;
  let upper = false;
  let lower = false;
  for (let k = s; k < e; k++) {
    const b = bytes[k]!;
    if (b <= 57) digits++;
    else if (b <= 90) upper = true;
    else lower = true;
  }
  const found: Found = (rule, snippet) => checksumFinding(win, location, rule, snippet, [s, e]);
  if (digits === length) {
    // Numbers (timestamps, ids) are the common case: only card lengths are read further.
    if (length < 12 || !numberContextOk(bytes, s, e)) return undefined;
    if (mayBeCard(length, bytes[s]! - 48)) {
      const values = codesOf(bytes, s, e, 48);
      const network = cardNetwork(values);
      if (network !== undefined && luhnValid(values)) {
        return found("payment_card", `${network} card number (${length} digits)`);
      }
    }
    if (length !== 18) return undefined;
    const chars = codesOf(bytes, s, e);
    if (cnResidentIdValid(chars) && keywordBefore(bytes, s, CN_KEYWORDS)) {
      return found("cn_resident_id", "Chinese resident ID (18 characters)");
    }
    return undefined;
  }
  // Most words here (nine letters, long mixed-case identifiers) fit none of the rules below:
  // they are ruled out before their bytes are copied.
  if (!mayFitWordRule(length, digits, upper && lower)) return undefined;
  const chars = codesOf(bytes, s, e);
  const b0 = chars[0]!;
  if (length === 18 && digits === 17 && (chars[17]! | 0x20) === 0x78) {
    const ok = cnResidentIdValid(chars) && keywordBefore(bytes, s, CN_KEYWORDS);
    return ok ? found("cn_resident_id", "Chinese resident ID (18 characters)") : undefined;
  }
  if (length === 9 && digits >= 7 && upper && !lower) return spanishId(win, s, chars, found);
  if (length >= 15 && length <= 34 && !(upper && lower) && ibanContiguous(chars)) {
    return found("iban", `${String.fromCharCode(b0, chars[1]!).toUpperCase()} IBAN (${length})`);
  }
  if (length >= 14 && !(upper && lower) && isSegwitStart(chars) && segwitValid(chars)) {
    return found("segwit_address", `segwit address (${length} characters)`);
  }
  return base58Key(chars, found);
}

type Found = (rule: string, snippet: string) => Finding;

/**
 * `bytes[s, e)` less `minus` each, as a plain array: a loop, since `Array.from` of a typed array
 * walks an iterator and cost more than the rest of judging most words.
 */
function codesOf(bytes: Uint8Array, s: number, e: number, minus = 0): number[] {
  const codes: number[] = [];
  for (let k = s; k < e; k++) codes.push(bytes[k]! - minus);
  return codes;
}

/**
 * Whether a word that is not all digits has the length and letters some rule of
 * {@link evaluateWord} needs: a Spanish DNI or NIE (9, at least 7 digits), a Chinese resident ID
 * with an `X`, an IBAN or a segwit address (14 or more, one case), a base58 key or address (29 or
 * more, any case).
 */
function mayFitWordRule(length: number, digits: number, mixedCase: boolean): boolean {
  if (length === 9) return digits >= 7;
  return length >= MIN_ADDRESS || (length >= 14 && !mixedCase);
}

/** A `checksummed` finding over the local span `[start, end)` of `win`. */
export function checksumFinding(
  win: ScanWindow,
  location: string,
  rule: string,
  snippet: string,
  [start, end]: [number, number],
): Finding {
  return {
    detector: "checksummed",
    rule,
    severity: "block",
    location,
    snippet,
    start: win.base + start,
    end: win.base + end,
  };
}

/** Whether a word's length and first bytes fit any rule: most words are ruled out here. */
function mayMatch(bytes: Uint8Array, s: number, length: number): boolean {
  const b0 = at(bytes, s);
  if (isDigit(b0)) {
    if ((length >= 12 && length <= 19) || length === 9) return true;
  } else if (length === 9) return true;
  if (length >= 15 && length <= 34 && isDigit(at(bytes, s + 2)) && isDigit(at(bytes, s + 3))) {
    return true;
  }
  if (length >= 14 && at(bytes, s + 2) === 0x31 && (at(bytes, s + 1) | 0x20) === 0x63) return true;
  if (length >= 14 && at(bytes, s + 2) === 0x31 && (at(bytes, s + 1) | 0x20) === 0x62) return true;
  let base58 = false;
  if (b0 === 0x31 || b0 === 0x33) base58 = length >= MIN_ADDRESS && length <= 35;
  else if (b0 === 0x35) base58 = length === 51;
  else if (b0 === 0x4b || b0 === 0x4c) base58 = length === 52;
  else base58 = (length === 111 || length === 112) && at(bytes, s + 1) === 0x70;
  // Random base64 words of the right shape nearly always hold a 0, O, I or l.
  if (!base58) return false;
  for (let k = s; k < s + length; k++) if (BASE58_BYTES[bytes[k]!] !== 1) return false;
  return true;
}

const BASE58_BYTES = Uint8Array.from(
  { length: 256 },
  (_, b) =>
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".includes(String.fromCharCode(b))
      ? 1
      : 0,
);

/** A Spanish DNI (8 digits and a letter, after a keyword) or NIE (X/Y/Z, 7 digits, a letter). */
function spanishId(
  win: ScanWindow,
  s: number,
  chars: readonly number[],
  found: Found,
): Finding | undefined {
  const lead = "XYZ".indexOf(String.fromCharCode(chars[0]!));
  const body = chars.slice(lead >= 0 ? 1 : 0, 8);
  if (!body.every(isDigit) || isDigit(chars[8])) return undefined;
  const number = Number(String(Math.max(lead, 0)) + String.fromCharCode(...body));
  if (dniLetter(number) !== chars[8]) return undefined;
  if (lead >= 0) return found("es_nie", "Spanish NIE (9 characters)");
  if (!keywordBefore(win.bytes, s, DNI_KEYWORDS)) return undefined;
  return found("es_dni", "Spanish DNI (9 characters)");
}

function ibanContiguous(chars: readonly number[]): boolean {
  if (ibanLength(chars[0]!, chars[1]!) !== chars.length) return false;
  return isDigit(chars[2]) && isDigit(chars[3]) && ibanValid(chars);
}

function isSegwitStart(chars: readonly number[]): boolean {
  const hrp = String.fromCharCode(chars[0]!, chars[1]!, chars[2]!).toLowerCase();
  return hrp === "bc1" || hrp === "tb1";
}

/**
 * Bitcoin addresses (P2PKH, P2SH), WIF private keys and BIP32 extended private keys: length and
 * version bytes first, the double SHA-256 last.
 */
function base58Key(chars: readonly number[], found: Found): Finding | undefined {
  const length = chars.length;
  const first = String.fromCharCode(chars[0]!);
  let rule: string | undefined;
  let snippet = "";
  let decoded: Uint8Array | undefined;
  if ((first === "1" || first === "3") && length >= MIN_ADDRESS && length <= 35) {
    decoded = base58Decode(chars);
    if (decoded?.length === 25 && decoded[0] === (first === "1" ? 0 : 5)) {
      rule = "bitcoin_address";
      snippet = `bitcoin ${first === "1" ? "P2PKH" : "P2SH"} address`;
    }
  } else if ((first === "5" && length === 51) || ("KL".includes(first) && length === 52)) {
    decoded = base58Decode(chars);
    const compressed = length === 52;
    if (
      decoded?.length === (compressed ? 38 : 37) && decoded[0] === 0x80 &&
      (!compressed || decoded[33] === 1)
    ) {
      rule = "bitcoin_wif";
      snippet = "bitcoin WIF private key";
    }
  } else if (
    (length === 111 || length === 112) && String.fromCharCode(...chars.slice(1, 4)) === "prv"
  ) {
    decoded = base58Decode(chars);
    if (decoded?.length === 82 && decoded[45] === 0) {
      rule = "bip32_private_key";
      snippet = `BIP32 extended private key (${first}prv)`;
    }
  }
  if (rule === undefined || decoded === undefined || !base58ChecksumOk(decoded)) return undefined;
  return found(rule, snippet);
}

/**
 * A number must stand alone: not the tail of a decimal or an identifier (`.`, `_`), not a phone
 * number (`+`), not a piece of a longer number written with `-` or `:`.
 */
export function numberContextOk(bytes: Uint8Array, s: number, e: number): boolean {
  const before = at(bytes, s - 1);
  const after = at(bytes, e);
  if (before === 0x2e || before === 0x2b || before === 0x5f || after === 0x5f) return false;
  if ((before === 0x2d || before === 0x3a) && isDigit(at(bytes, s - 2))) return false;
  const tail = after === 0x2e || after === 0x2d || after === 0x3a;
  return !(tail && isDigit(at(bytes, e + 1)));
}

/** Is one of `keywords` (lower case) within {@link CONTEXT} bytes before local offset `s`? */
function keywordBefore(bytes: Uint8Array, s: number, keywords: readonly string[]): boolean {
  const from = Math.max(0, s - CONTEXT);
  let text = "";
  for (let k = from; k < s; k++) {
    const b = at(bytes, k);
    text += String.fromCharCode(b >= 65 && b <= 90 ? b | 0x20 : b);
  }
  return keywords.some((keyword) => text.includes(keyword));
}
