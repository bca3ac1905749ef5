/**
 * The check digits of the checksummed formats in the corpus, computed for real: a malicious case
 * carries a value that passes its checksum, a benign look-alike one that fails it. The generator
 * builds values with these, and `corpus_test.ts` verifies every checksummed case with them (and
 * verifies these functions against published example values).
 */
import { createHash } from "node:crypto";

/** The checksummed formats. */
export type ChecksumKind =
  | "luhn"
  | "iban"
  | "base58check"
  | "bech32"
  | "bsn"
  | "dni"
  | "nir"
  | "cpf"
  | "aadhaar"
  | "pesel"
  | "cn_id"
  | "hetu"
  | "nhs";

/** Whether a digit string passes the Luhn check. */
export function luhnValid(number: string): boolean {
  const digits = number.replace(/[ -]/g, "");
  if (!/^\d{8,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Append the Luhn check digit to a digit string. */
export function luhnComplete(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable: one Luhn digit always fits");
}

function mod97(digits: string): number {
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest;
}

function ibanDigits(text: string): string {
  return [...text].map((c) => /[A-Z]/.test(c) ? String(c.charCodeAt(0) - 55) : c).join("");
}

/** Whether an IBAN (spaces allowed) passes mod-97. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/ /g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  return mod97(ibanDigits(s.slice(4) + s.slice(0, 4))) === 1;
}

/** Build an IBAN from a country code and its BBAN, with correct check digits. */
export function ibanMake(country: string, bban: string): string {
  const check = 98 - mod97(ibanDigits(bban + country + "00"));
  return country + String(check).padStart(2, "0") + bban;
}

const B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function sha256d(bytes: Uint8Array): Uint8Array {
  const once = createHash("sha256").update(bytes).digest();
  return new Uint8Array(createHash("sha256").update(once).digest());
}

/** Base58check-encode a payload (version byte included). */
export function base58check(payload: Uint8Array): string {
  const full = new Uint8Array([...payload, ...sha256d(payload).subarray(0, 4)]);
  let n = 0n;
  for (const b of full) n = n * 256n + BigInt(b);
  let out = "";
  while (n > 0n) {
    out = B58[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const b of full) {
    if (b !== 0) break;
    out = "1" + out;
  }
  return out;
}

/** Whether a base58 string's last 4 bytes are the double SHA-256 of the rest. */
export function base58checkValid(text: string): boolean {
  let n = 0n;
  for (const ch of text) {
    const v = B58.indexOf(ch);
    if (v < 0) return false;
    n = n * 58n + BigInt(v);
  }
  const bytes: number[] = [];
  while (n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for (const ch of text) {
    if (ch !== "1") break;
    bytes.unshift(0);
  }
  if (bytes.length < 5) return false;
  const body = new Uint8Array(bytes.slice(0, -4));
  const sum = sha256d(body);
  return bytes.slice(-4).every((b, i) => b === sum[i]);
}

const BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const BECH32M_CONST = 0x2bc830a3;

function polymod(values: number[]): number {
  const gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
  let chk = 1;
  for (const v of values) {
    const top = chk >>> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    for (let i = 0; i < 5; i++) if ((top >>> i) & 1) chk ^= gen[i]!;
  }
  return chk >>> 0;
}

function hrpExpand(hrp: string): number[] {
  const codes = [...hrp].map((c) => c.charCodeAt(0));
  return [...codes.map((c) => c >> 5), 0, ...codes.map((c) => c & 31)];
}

/** A segwit address: bech32 for witness version 0, bech32m above. */
export function segwitAddress(hrp: string, version: number, program: Uint8Array): string {
  const data = [version];
  let acc = 0;
  let bits = 0;
  for (const b of program) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      data.push((acc >> bits) & 31);
    }
  }
  if (bits > 0) data.push((acc << (5 - bits)) & 31);
  const constant = version === 0 ? 1 : BECH32M_CONST;
  const mod = polymod([...hrpExpand(hrp), ...data, 0, 0, 0, 0, 0, 0]) ^ constant;
  const check = Array.from({ length: 6 }, (_, i) => (mod >> (5 * (5 - i))) & 31);
  return hrp + "1" + [...data, ...check].map((v) => BECH32[v]).join("");
}

/** Whether a bech32 or bech32m string carries a valid checksum. */
export function bech32Valid(text: string): boolean {
  const s = text.toLowerCase();
  const sep = s.lastIndexOf("1");
  if (sep < 1 || s.length - sep < 7) return false;
  const data = [...s.slice(sep + 1)].map((c) => BECH32.indexOf(c));
  if (data.some((v) => v < 0)) return false;
  const mod = polymod([...hrpExpand(s.slice(0, sep)), ...data]);
  return mod === 1 || mod === BECH32M_CONST;
}

function digitsOf(text: string): number[] {
  return [...text].map(Number);
}

/** Dutch BSN: the 11-proof. */
export function bsnValid(bsn: string): boolean {
  if (!/^\d{9}$/.test(bsn)) return false;
  const d = digitsOf(bsn);
  const sum = d.slice(0, 8).reduce((s, v, i) => s + v * (9 - i), 0) - d[8]!;
  return sum % 11 === 0;
}

const DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

/** Spanish DNI: eight digits and their mod-23 letter. */
export function dniValid(dni: string): boolean {
  const m = /^(\d{8})-?([A-Z])$/.exec(dni);
  return m !== null && DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

/** The DNI letter of eight digits. */
export function dniLetter(digits: string): string {
  return DNI_LETTERS[Number(digits) % 23]!;
}

/** French NIR: 13 digits and a key of 97 minus their remainder mod 97. */
export function nirValid(nir: string): boolean {
  const s = nir.replace(/ /g, "");
  if (!/^\d{15}$/.test(s)) return false;
  return 97 - mod97(s.slice(0, 13)) === Number(s.slice(13));
}

/** Brazilian CPF: two mod-11 check digits. */
export function cpfValid(cpf: string): boolean {
  const s = cpf.replace(/[.-]/g, "");
  if (!/^\d{11}$/.test(s) || /^(\d)\1+$/.test(s)) return false;
  return cpfDigits(s.slice(0, 9)) === s.slice(9);
}

/** The two CPF check digits of nine digits. */
export function cpfDigits(nine: string): string {
  const d = digitsOf(nine);
  const first = (d.reduce((s, v, i) => s + v * (10 - i), 0) * 10) % 11 % 10;
  const second = ([...d, first].reduce((s, v, i) => s + v * (11 - i), 0) * 10) % 11 % 10;
  return `${first}${second}`;
}

const VERHOEFF_D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Whether a digit string passes Verhoeff (Indian Aadhaar numbers). */
export function verhoeffValid(number: string): boolean {
  const s = number.replace(/ /g, "");
  if (!/^\d+$/.test(s)) return false;
  let c = 0;
  [...s].reverse().forEach((ch, i) => {
    c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![Number(ch)]!]!;
  });
  return c === 0;
}

/** Append the Verhoeff check digit. */
export function verhoeffComplete(body: string): string {
  for (let d = 0; d < 10; d++) if (verhoeffValid(body + d)) return body + d;
  throw new Error("unreachable: one Verhoeff digit always fits");
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/** Polish PESEL: weighted sum mod 10. */
export function peselValid(pesel: string): boolean {
  if (!/^\d{11}$/.test(pesel)) return false;
  const d = digitsOf(pesel);
  const sum = PESEL_WEIGHTS.reduce((s, w, i) => s + w * d[i]!, 0);
  return (10 - (sum % 10)) % 10 === d[10];
}

const CN_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of a Chinese resident identity number's 17 digits. */
export function cnIdCheck(body: string): string {
  const sum = CN_WEIGHTS.reduce((s, w, i) => s + w * Number(body[i]), 0);
  return "10X98765432"[sum % 11]!;
}

/** Chinese resident identity number: ISO 7064 mod 11-2. */
export function cnIdValid(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && cnIdCheck(id.slice(0, 17)) === id[17];
}

const HETU_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY";

/** Finnish HETU: DDMMYY, century sign, NNN and a mod-31 character. */
export function hetuValid(hetu: string): boolean {
  const m = /^(\d{6})[-+A](\d{3})([0-9A-Y])$/.exec(hetu);
  return m !== null && HETU_CHARS[Number(m[1]! + m[2]!) % 31] === m[3];
}

/** The HETU check character of its date and individual number. */
export function hetuCheck(date: string, individual: string): string {
  return HETU_CHARS[Number(date + individual) % 31]!;
}

/** UK NHS number: mod 11 with weights 10..2 (a remainder giving 10 is never issued). */
export function nhsValid(nhs: string): boolean {
  const s = nhs.replace(/ /g, "");
  if (!/^\d{10}$/.test(s)) return false;
  const d = digitsOf(s);
  const check = 11 - (d.slice(0, 9).reduce((a, v, i) => a + v * (10 - i), 0) % 11);
  return (check === 11 ? 0 : check) === d[9];
}

/** Whether a value passes the checksum of its kind. */
export function checksumValid(kind: ChecksumKind, value: string): boolean {
  const check: Record<ChecksumKind, (v: string) => boolean> = {
    luhn: luhnValid,
    iban: ibanValid,
    base58check: base58checkValid,
    bech32: bech32Valid,
    bsn: bsnValid,
    dni: dniValid,
    nir: nirValid,
    cpf: cpfValid,
    aadhaar: (v) => /^\d{4} ?\d{4} ?\d{4}$/.test(v) && verhoeffValid(v),
    pesel: peselValid,
    cn_id: cnIdValid,
    hetu: hetuValid,
    nhs: nhsValid,
  };
  return check[kind](value);
}
