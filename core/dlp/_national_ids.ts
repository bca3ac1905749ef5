/**
 * National identifiers that are only told apart from other numbers by the name written next to
 * them (`"bsn": "…"`, `pesel=…`, `nhs_number=…`), then confirmed by their own check digits or,
 * for the US SSN, which has none, by its strict `AAA-GG-SSSS` layout and the ranges never issued.
 * Rules are `token_patterns` table entries, found by the same keyword lookup as labelled
 * credentials: keywords, the value's shape, its check, and examples a test runs.
 */
import type { TokenSpec } from "./_token_spec.ts";

const digitsOf = (value: string) => Array.from(value.replace(/[^0-9]/g, ""), Number);

function weighted(digits: readonly number[], weights: readonly number[]): number {
  return weights.reduce((sum, w, i) => sum + w * digits[i]!, 0);
}

/** Dutch BSN: the "11-proof" (the last digit weighs -1). */
function bsnValid(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 9) return false;
  const sum = weighted(d, [9, 8, 7, 6, 5, 4, 3, 2]) - d[8]!;
  return sum % 11 === 0 && sum > 0;
}

/** French NIR: 13 digits (Corsica's 2A/2B read as 19/18), then 97 minus their value mod 97. */
function nirValid(value: string): boolean {
  const compact = value.replace(/[\s.]/g, "").toUpperCase();
  if (!/^[12][0-9]{2}[0-9]{2}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$/.test(compact)) return false;
  const body = compact.slice(0, 13).replace("2A", "19").replace("2B", "18");
  const key = Number(compact.slice(13));
  return 97 - Number(BigInt(body) % 97n) === key;
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

/** Indian Aadhaar: 12 digits, not starting with 0 or 1, Verhoeff check digit. */
function aadhaarValid(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 12 || d[0]! < 2) return false;
  let c = 0;
  d.reverse().forEach((digit, i) => c = VERHOEFF_D[c]![VERHOEFF_P[i % 8]![digit]!]!);
  return c === 0;
}

/** Polish PESEL: weights 1 3 7 9 repeated, check digit makes the sum a multiple of 10. */
function peselValid(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 11) return false;
  const sum = weighted(d, [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]);
  return (10 - (sum % 10)) % 10 === d[10];
}

const HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";

/** Finnish HETU: DDMMYY, a century sign, NNN, and a check character (the nine digits mod 31). */
function hetuValid(value: string): boolean {
  const m = /^([0-3][0-9])([01][0-9])([0-9]{2})[-+A-FU-Y]([0-9]{3})([0-9A-Y])$/i.exec(value);
  if (m === null) return false;
  const [, day, month, year, serial, check] = m;
  if (Number(day) < 1 || Number(day) > 31 || Number(month) < 1 || Number(month) > 12) return false;
  return HETU_CHECK[Number(`${day}${month}${year}${serial}`) % 31] === check!.toUpperCase();
}

/** UK NHS number: weights 10 down to 2, check digit 11 minus the sum mod 11 (10 is invalid). */
function nhsValid(value: string): boolean {
  const d = digitsOf(value);
  if (d.length !== 10) return false;
  const check = 11 - (weighted(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  return (check === 11 ? 0 : check) === d[9] && check !== 10;
}

/** Swedish personnummer: a real date, then Luhn over the ten digits YYMMDDNNNN. */
function personnummerValid(value: string): boolean {
  const d = digitsOf(value);
  const ten = d.length === 12 ? d.slice(2) : d;
  if (ten.length !== 10) return false;
  const month = ten[2]! * 10 + ten[3]!;
  const day = ten[4]! * 10 + ten[5]!;
  // Coordination numbers add 60 to the day.
  if (month < 1 || month > 12 || (day % 60) < 1 || (day % 60) > 31) return false;
  let sum = 0;
  ten.forEach((digit, i) => {
    const v = i % 2 === 0 ? digit * 2 : digit;
    sum += v > 9 ? v - 9 : v;
  });
  return sum % 10 === 0;
}

/** US SSN: never-issued areas (000, 666, 900–999), groups (00) and serials (0000) refused. */
function ssnValid(value: string): boolean {
  const m = /^([0-9]{3})-([0-9]{2})-([0-9]{4})$/.exec(value);
  if (m === null) return false;
  const [, area, group, serial] = m;
  return area !== "000" && area !== "666" && area![0] !== "9" && group !== "00" &&
    serial !== "0000";
}

/** What may follow a keyword: a quote, an assignment, or the start of a qualifier. */
const AFTER_KEYWORD = `"'=:_>`;

/** Between the keyword and the value: a qualifier (`_number`), then `=`, `:` or `>`. */
const ASSIGN = `[A-Za-z_ .-]{0,20}?["']?\\s{0,3}[:=>]\\s{0,3}["']?`;

function keyed(
  name: string,
  keywords: readonly string[],
  value: [source: string, maxLength: number],
  valid: (value: string) => boolean,
  examples: { tp: readonly string[]; fp: readonly string[] },
): TokenSpec {
  const escaped = keywords.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return {
    name,
    // Looked up as the keyword with the character after it (`bsn"`, `nhs_`, `pesel:`): bare
    // short words would be looked up all over prose and base64.
    literals: keywords.flatMap((k) => Array.from(AFTER_KEYWORD, (c) => `${k}${c}`)),
    ignoreCase: true,
    source: `(?:${escaped.join("|")})${ASSIGN}(${value[0]})(?![0-9A-Za-z])`,
    maxLength: Math.max(...keywords.map((k) => k.length)) + 20 + 9 + value[1],
    leftBoundary: "alnum",
    shown: 0,
    valueGroup: true,
    reject: (text) => !valid(text),
    tp: examples.tp.map((
      t,
    ) => [t.slice(0, t.lastIndexOf("=") + 1), t.slice(t.lastIndexOf("=") + 1)]),
    fp: examples.fp,
  };
}

/** Every keyed identifier, as token-table entries. */
export const NATIONAL_ID_SPECS: readonly TokenSpec[] = Object.freeze([
  keyed("nl_bsn", ["bsn", "burgerservicenummer"], ["[0-9]{9}", 9], bsnValid, {
    tp: ["bsn=363969871"],
    fp: ["bsn=363969872", "the bsn field holds 363969871"],
  }),
  keyed(
    "fr_nir",
    ["securite_sociale", "numero_ss", "insee"],
    [
      "[12][ .]?[0-9]{2}[ .]?[0-9]{2}[ .]?(?:[0-9]{2}|2[ABab])[ .]?[0-9]{3}[ .]?[0-9]{3}" +
      "[ .]?[0-9]{2}",
      21,
    ],
    nirValid,
    { tp: ["numero_securite_sociale=154040375973272"], fp: ["insee=154040375973273"] },
  ),
  keyed(
    "in_aadhaar",
    ["aadhaar", "aadhar", "uidai"],
    ["[2-9][0-9]{3}[ -]?[0-9]{4}[ -]?[0-9]{4}", 14],
    aadhaarValid,
    { tp: ["aadhaar_number=5398 4976 9481"], fp: ["aadhaar_number=5398 4976 9482"] },
  ),
  keyed("pl_pesel", ["pesel"], ["[0-9]{11}", 11], peselValid, {
    tp: ["pesel=65110248854"],
    fp: ["pesel=65110248855"],
  }),
  keyed(
    "fi_hetu",
    ["hetu", "henkilotunnus", "personal_identity_code"],
    ["[0-3][0-9][01][0-9][0-9]{2}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Ya-y]", 11],
    hetuValid,
    { tp: ["henkilotunnus=171278-2262"], fp: ["henkilotunnus=171278-2263"] },
  ),
  keyed(
    "uk_nhs_number",
    ["nhs"],
    ["[0-9]{3}(?:[ -]|%20)?[0-9]{3}(?:[ -]|%20)?[0-9]{4}", 16],
    (value) => nhsValid(value.replaceAll("%20", " ")),
    { tp: ["nhs_number=641 846 7132"], fp: ["nhs_number=641 846 7133"] },
  ),
  keyed(
    "se_personnummer",
    ["personnummer", "personnr"],
    ["(?:19|20)?[0-9]{6}[-+]?[0-9]{4}", 13],
    personnummerValid,
    { tp: ["personnummer=980415-7817"], fp: ["personnummer=980415-7818"] },
  ),
  keyed(
    "us_ssn",
    ["ssn", "social_security", "socialsecurity"],
    ["[0-9]{3}-[0-9]{2}-[0-9]{4}", 11],
    ssnValid,
    { tp: ["ssn=123-45-6789"], fp: ["ssn=666-45-6789", "ssn=123-00-6789"] },
  ),
]);
