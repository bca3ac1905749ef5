/**
 * Malicious outbound: values whose format carries a checksum (payment cards, IBANs, Bitcoin keys
 * and addresses, national identifiers), each computed to pass, in the bodies and URLs that carry
 * them in practice.
 */
import { type Carrier, place } from "./_carriers.ts";
import { outbound, seq } from "./_case.ts";
import {
  base58check,
  type ChecksumKind,
  cnIdCheck,
  cpfDigits,
  dniLetter,
  hetuCheck,
  ibanMake,
  luhnComplete,
  nhsValid,
  peselValid,
  segwitAddress,
  verhoeffComplete,
} from "./_checksums.ts";
import { Rng } from "./_rng.ts";
import type { CorpusCase } from "./mod.ts";

const CARRIERS: readonly Carrier[] = ["json", "form", "query", "csv", "env", "yaml", "multipart"];

function builder(cls: string, prefix: string) {
  const cases: CorpusCase[] = [];
  const rng = new Rng(cls);
  return {
    rng,
    cases,
    add(kind: ChecksumKind, value: string, what: string, key: string, shown = value): void {
      const carrier = CARRIERS[cases.length % CARRIERS.length]!;
      cases.push(outbound({
        id: `${prefix}-${seq(cases.length)}`,
        class: cls,
        label: "malicious",
        what: `${what} in ${carrier}`,
        checks: [{ kind, value, valid: true }],
      }, place(carrier, shown, { key, rng })));
    },
  };
}

/** Brands, a prefix in their IIN ranges, and their number length. */
const CARD_IINS: readonly { brand: string; iin: (r: Rng) => string; length: number }[] = [
  { brand: "visa", iin: () => "4", length: 16 },
  { brand: "mastercard", iin: (r) => `5${r.int(1, 5)}`, length: 16 },
  { brand: "mastercard_2series", iin: () => "2221", length: 16 },
  { brand: "amex", iin: () => "37", length: 15 },
  { brand: "discover", iin: () => "6011", length: 16 },
  { brand: "jcb", iin: () => "3530", length: 16 },
  { brand: "diners", iin: () => "36", length: 14 },
  { brand: "unionpay", iin: () => "62", length: 19 },
];

function groupCard(number: string, sep: string): string {
  if (number.length === 15) {
    return [number.slice(0, 4), number.slice(4, 10), number.slice(10)].join(sep);
  }
  return number.match(/.{1,4}/g)!.join(sep);
}

/**
 * Payment card numbers of each major brand (valid Luhn, real IIN ranges), plain and with spaces
 * or dashes.
 *
 * @returns The cases (class `payment_card`).
 */
export function cardCases(): CorpusCase[] {
  const b = builder("payment_card", "card");
  for (let round = 0; round < 3; round++) {
    for (const card of CARD_IINS) {
      const iin = card.iin(b.rng);
      const number = luhnComplete(iin + b.rng.digits(card.length - iin.length - 1));
      const sep = ["", " ", "-"][round]!;
      const shown = groupCard(number, sep);
      b.add(
        "luhn",
        shown,
        `${card.brand} card${sep === "" ? "" : ` with "${sep}"`}`,
        "card_number",
      );
    }
  }
  return b.cases;
}

const IBAN_BBANS: readonly { country: string; make: (r: Rng) => string }[] = [
  { country: "DE", make: (r) => r.digits(18) },
  { country: "GB", make: (r) => r.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + r.digits(14) },
  { country: "FR", make: (r) => r.digits(23) },
  { country: "NL", make: (r) => r.str("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 4) + r.digits(10) },
  { country: "ES", make: (r) => r.digits(20) },
  { country: "IT", make: (r) => "X" + r.digits(22) },
  { country: "CH", make: (r) => r.digits(17) },
  { country: "BE", make: (r) => r.digits(12) },
  { country: "PL", make: (r) => r.digits(24) },
];

/**
 * IBANs of several countries (valid mod-97), compact and in groups of four.
 *
 * @returns The cases (class `iban`).
 */
export function ibanCases(): CorpusCase[] {
  const b = builder("iban", "iban");
  for (let round = 0; round < 2; round++) {
    for (const { country, make } of IBAN_BBANS) {
      const iban = ibanMake(country, make(b.rng));
      const shown = round === 0 ? iban : iban.match(/.{1,4}/g)!.join(" ");
      b.add("iban", shown, `${country} IBAN${round === 0 ? "" : " grouped"}`, "iban");
    }
  }
  return b.cases;
}

/**
 * Bitcoin private keys (WIF, extended private keys) and addresses (base58check, bech32,
 * bech32m), every checksum computed.
 *
 * @returns The cases (class `crypto_wallet`).
 */
export function cryptoCases(): CorpusCase[] {
  const b = builder("crypto_wallet", "btc");
  const key = () => {
    const k = b.rng.bytes(32);
    k[0] = 1 + (k[0]! % 0xfe);
    return k;
  };
  for (let i = 0; i < 5; i++) {
    const wif = base58check(new Uint8Array([0x80, ...key(), 0x01]));
    b.add("base58check", wif, "WIF private key (compressed)", "WALLET_PRIVATE_KEY");
  }
  for (let i = 0; i < 3; i++) {
    const wif = base58check(new Uint8Array([0x80, ...key()]));
    b.add("base58check", wif, "WIF private key (uncompressed)", "btc_privkey");
  }
  for (let i = 0; i < 4; i++) {
    const xprv = base58check(
      new Uint8Array([
        0x04,
        0x88,
        0xad,
        0xe4,
        i,
        ...b.rng.bytes(4),
        0,
        0,
        0,
        i,
        ...b.rng.bytes(32),
        0,
        ...key(),
      ]),
    );
    b.add("base58check", xprv, "BIP32 extended private key", "xprv");
  }
  for (let i = 0; i < 2; i++) {
    const p2pkh = base58check(new Uint8Array([0x00, ...b.rng.bytes(20)]));
    b.add("base58check", p2pkh, "P2PKH address", "payout_address");
    const p2sh = base58check(new Uint8Array([0x05, ...b.rng.bytes(20)]));
    b.add("base58check", p2sh, "P2SH address", "btc_address");
    b.add("bech32", segwitAddress("bc", 0, b.rng.bytes(20)), "bech32 P2WPKH address", "wallet");
    b.add("bech32", segwitAddress("bc", 1, b.rng.bytes(32)), "bech32m taproot address", "wallet");
  }
  return b.cases;
}

function birthDate(r: Rng): { yy: string; mm: string; dd: string } {
  return {
    yy: String(r.int(50, 99)),
    mm: String(r.int(1, 12)).padStart(2, "0"),
    dd: String(r.int(1, 28)).padStart(2, "0"),
  };
}

/** National identifiers with check digits: (kind, label, key, make). */
const NATIONAL_IDS: readonly [ChecksumKind, string, string, (r: Rng) => string][] = [
  ["bsn", "Dutch BSN", "bsn", (r) => {
    for (;;) {
      const eight = String(r.int(1, 9)) + r.digits(7);
      const d = [...eight].map(Number);
      const rest = d.reduce((s, v, i) => s + v * (9 - i), 0) % 11;
      if (rest < 10) return eight + rest;
    }
  }],
  ["dni", "Spanish DNI", "dni", (r) => {
    const digits = r.digits(8);
    return digits + dniLetter(digits);
  }],
  ["nir", "French NIR", "numero_securite_sociale", (r) => {
    const { yy, mm } = birthDate(r);
    const body = `${r.int(1, 2)}${yy}${mm}${String(r.int(1, 95)).padStart(2, "0")}${r.digits(6)}`;
    let rest = 0;
    for (const ch of body) rest = (rest * 10 + Number(ch)) % 97;
    return body + String(97 - rest).padStart(2, "0");
  }],
  ["cpf", "Brazilian CPF", "cpf", (r) => {
    const nine = r.digits(9);
    const all = nine + cpfDigits(nine);
    return `${all.slice(0, 3)}.${all.slice(3, 6)}.${all.slice(6, 9)}-${all.slice(9)}`;
  }],
  ["aadhaar", "Indian Aadhaar", "aadhaar_number", (r) => {
    const all = verhoeffComplete(String(r.int(2, 9)) + r.digits(10));
    return `${all.slice(0, 4)} ${all.slice(4, 8)} ${all.slice(8)}`;
  }],
  ["pesel", "Polish PESEL", "pesel", (r) => {
    const { yy, mm, dd } = birthDate(r);
    for (;;) {
      const body = `${yy}${mm}${dd}${r.digits(4)}`;
      for (let c = 0; c < 10; c++) if (peselValid(body + c)) return body + c;
    }
  }],
  ["cn_id", "Chinese resident ID", "id_card_no", (r) => {
    const { yy, mm, dd } = birthDate(r);
    const body = `${r.pick(["110101", "310104", "440305"])}19${yy}${mm}${dd}${r.digits(3)}`;
    return body + cnIdCheck(body);
  }],
  ["hetu", "Finnish HETU", "henkilotunnus", (r) => {
    const { yy, mm, dd } = birthDate(r);
    const individual = String(r.int(2, 899)).padStart(3, "0");
    return `${dd}${mm}${yy}-${individual}${hetuCheck(dd + mm + yy, individual)}`;
  }],
  ["nhs", "UK NHS number", "nhs_number", (r) => {
    for (;;) {
      const nine = String(r.int(4, 6)) + r.digits(8);
      for (let c = 0; c < 10; c++) {
        if (nhsValid(nine + c)) {
          return `${nine.slice(0, 3)} ${nine.slice(3, 6)} ${nine.slice(6)}${c}`;
        }
      }
    }
  }],
  ["luhn", "Swedish personnummer", "personnummer", (r) => {
    const { yy, mm, dd } = birthDate(r);
    const body = `${yy}${mm}${dd}${r.digits(3)}`;
    const all = luhnComplete(body);
    return `${all.slice(0, 6)}-${all.slice(6)}`;
  }],
];

/**
 * National identifiers with check digits, two of each, labelled as a form would label them.
 *
 * @returns The cases (class `national_id`).
 */
export function nationalIdCases(): CorpusCase[] {
  const b = builder("national_id", "natid");
  for (let round = 0; round < 2; round++) {
    for (const [kind, label, key, make] of NATIONAL_IDS) b.add(kind, make(b.rng), label, key);
  }
  return b.cases;
}
