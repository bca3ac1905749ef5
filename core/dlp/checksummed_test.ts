import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

const dlp = new DlpEngine({ knownSecrets: [] });
const CHECKSUMMED = { detectors: ["checksummed"] as const, location: "body" };

function scan(text: string) {
  return dlp.scanOutbound(text, CHECKSUMMED);
}

/** `[rule, matched text]` of every finding. */
function found(text: string): [string, string][] {
  return scan(text).map((f) => [f.rule, text.slice(f.start, f.end)]);
}

/** A deterministic generator, so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** `body` with its Luhn check digit appended (our own arithmetic, independent of the engine). */
function withLuhn(body: string): string {
  let sum = 0;
  for (let k = 0; k < body.length; k++) {
    let d = Number(body[body.length - 1 - k]);
    if (k % 2 === 0) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return body + String((10 - (sum % 10)) % 10);
}

/** Base58check with node's SHA-256 and BigInt arithmetic. */
function base58check(payload: Uint8Array): string {
  const hash = (data: Uint8Array) => createHash("sha256").update(data).digest();
  const data = Buffer.concat([payload, hash(hash(payload)).subarray(0, 4)]);
  const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  let n = BigInt(`0x${data.toString("hex")}`);
  let out = "";
  while (n > 0n) {
    out = alphabet[Number(n % 58n)] + out;
    n /= 58n;
  }
  for (const byte of data) {
    if (byte !== 0) break;
    out = `1${out}`;
  }
  return out;
}

function bytesFrom(random: () => number, length: number): Uint8Array {
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

const random = prng(14);
const CARDS: [string, string][] = [
  ["visa", withLuhn("411111111111111")],
  ["visa", withLuhn("424242424242")],
  ["mastercard", withLuhn("545454545454545")],
  ["mastercard", withLuhn("222300312200322")],
  ["mastercard", withLuhn("272099999999999")],
  ["amex", withLuhn("37828224631000")],
  ["discover", withLuhn("601111111111111")],
  ["discover", withLuhn("622126000000000")],
  ["jcb", withLuhn("353011133330000")],
  ["diners", withLuhn("3056930902590")],
  ["unionpay", withLuhn("620000000000000")],
  ["maestro", withLuhn("67595649826438")],
  ["mir", withLuhn("220012345678901")],
];

const P2PKH = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";
const P2SH = base58check(Uint8Array.of(5, ...bytesFrom(random, 20)));
const WIF = base58check(Uint8Array.of(0x80, ...bytesFrom(random, 32)));
const WIF_COMPRESSED = base58check(Uint8Array.of(0x80, ...bytesFrom(random, 32), 1));
const XPRV = base58check(
  Uint8Array.of(
    0x04,
    0x88,
    0xad,
    0xe4,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    ...bytesFrom(random, 32),
    0,
    ...bytesFrom(random, 32),
  ),
);
const SEGWIT = [
  "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
  "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
  "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
  "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ",
];
const IBANS = [
  "DE89370400440532013000",
  "GB82WEST12345698765432",
  "NL91ABNA0417164300",
  "FR1420041010050500013M02606",
  // The shortest IBAN (Norway, 15 characters).
  "NO9386011117947",
];

/** Every form a value is sent in: bare, JSON, URL query, form body, grouped text. */
function contexts(value: string): string[] {
  return [
    value,
    `{"value": "${value}", "n": 2}`,
    `GET /pay?to=${value}&x=1 HTTP/1.1`,
    `name=alice&value=${value}&ok=1`,
    `line one\n  ${value}\nline three`,
  ];
}

Deno.test("checksummed finds payment cards of every network, contiguous and grouped", () => {
  for (const [network, card] of CARDS) {
    const grouped = card.length === 15
      ? [card.slice(0, 4), card.slice(4, 10), card.slice(10)]
      : card.length === 14
      ? [card.slice(0, 4), card.slice(4, 10), card.slice(10)]
      : card.match(/.{1,4}/g)!;
    for (const form of [card, grouped.join(" "), grouped.join("-")]) {
      for (const text of contexts(form)) {
        assert.deepEqual(found(text), [["payment_card", form]], `${network}: ${text}`);
        assert.equal(scan(text)[0]!.snippet, `${network} card number (${card.length} digits)`);
      }
    }
  }
});

Deno.test("checksummed refuses numbers that only look like cards", () => {
  const visa = CARDS[0]![1];
  const wrongDigit = visa.slice(0, 7) + String((Number(visa[7]) + 1) % 10) + visa.slice(8);
  const cases = [
    wrongDigit,
    visa.slice(0, 15),
    withLuhn("90000000000000"), // no network starts with 9
    withLuhn("41111111111111111"), // Visa is never 18 digits
    `0.${visa}`,
    `${visa}.5`,
    `1${visa}`,
    `${visa}7`,
    `a${visa}`,
    `${visa}b`,
    `id_${visa}`,
    `+${visa.slice(0, 13)}`,
    "1.5e16",
    "4111 1111 1111-1111", // mixed separators
    "4111  1111  1111  1111", // double spaces
    "41111 11111 11111 1", // wrong grouping
    `12-${visa}`,
    `${visa.slice(0, 4)} ${visa.slice(4, 8)} ${visa.slice(8, 12)} ${visa.slice(12)} 1234`,
    withLuhn("170000000000"), // millisecond timestamps and the like start with 1
    "1712345678901",
    "1712345678901234567",
    "1234567890123456789",
    "8138478876571238",
    "v4.1.1-1111111111111111x",
  ];
  for (const text of cases) {
    assert.deepEqual(found(`value: ${text} end`), [], text);
  }
});

Deno.test("checksummed finds IBANs contiguous or in groups of four, in either case", () => {
  for (const iban of IBANS) {
    const grouped = iban.match(/.{1,4}/g)!.join(" ");
    for (const form of [iban, grouped, iban.toLowerCase(), grouped.toLowerCase()]) {
      for (const text of contexts(form)) {
        assert.deepEqual(found(text), [["iban", form]], text);
      }
    }
  }
  assert.equal(scan(IBANS[0]!)[0]!.snippet, "DE IBAN (22)");
});

Deno.test("checksummed refuses IBAN-shaped text that fails the checksum or the length", () => {
  const cases = [
    "DE89370400440532013001",
    "DE8937040044053201300",
    "DE893704004405320130000",
    "XX89370400440532013000",
    "De89370400440532013000",
    "DE89 3704 0044 0532 0130 001",
    "DE89  3704 0044 0532 0130 00",
    "DE89370400440532013000abc",
  ];
  for (const text of cases) assert.deepEqual(found(`iban ${text} end`), [], text);
});

Deno.test("checksummed finds Bitcoin addresses and keys by their checksums", () => {
  const expected: [string, string][] = [
    ["bitcoin_address", P2PKH],
    ["bitcoin_address", P2SH],
    ["bitcoin_wif", WIF],
    ["bitcoin_wif", WIF_COMPRESSED],
    ["bip32_private_key", XPRV],
    ...SEGWIT.map((a): [string, string] => ["segwit_address", a]),
  ];
  for (const [rule, value] of expected) {
    for (const text of contexts(value)) assert.deepEqual(found(text), [[rule, value]], text);
  }
  const list = expected.map(([, value]) => value).join(", ");
  assert.deepEqual(found(list), expected);
  assert.deepEqual(found(`key: ${WIF}`).map(([rule]) => rule), ["bitcoin_wif"]);
  assert.equal(scan(XPRV)[0]!.snippet, "BIP32 extended private key (xprv)");
});

Deno.test("checksummed finds a key right after a long word, at every alignment", () => {
  // The separator may fall between the bytes the scanner samples.
  for (let pad = 0; pad < 8; pad++) {
    for (const sep of ["=", " ", "/", ": "]) {
      const text = `${"x".repeat(pad)} wifPrivateKeyCompressedFormatString${sep}${WIF_COMPRESSED}`;
      assert.deepEqual(found(text), [["bitcoin_wif", WIF_COMPRESSED]], text);
      const long = `${"Ab9".repeat(20 + pad)}${sep}${P2PKH} ${"k".repeat(pad)}`;
      assert.deepEqual(found(long), [["bitcoin_address", P2PKH]], long);
    }
  }
});

Deno.test("checksummed refuses base58 and bech32 strings whose checksum fails", () => {
  const flip = (text: string, at: number) => {
    const c = text[at]!;
    const other = c === "z" ? "y" : c === "Z" ? "Y" : c === "9" ? "8" : c === "q" ? "p" : "z";
    return text.slice(0, at) + other + text.slice(at + 1);
  };
  for (const value of [P2PKH, P2SH, WIF, WIF_COMPRESSED, XPRV, ...SEGWIT]) {
    for (const at of [5, value.length - 2]) {
      const bad = flip(value, at);
      assert.deepEqual(found(`k ${bad} k`), [], bad);
    }
    assert.deepEqual(found(`x${value}`), [], `glued ${value}`);
  }
  assert.deepEqual(found("bc1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"), [], "mixed case");
  assert.deepEqual(found(base58check(Uint8Array.of(7, ...bytesFrom(random, 20)))), []);
});

Deno.test("checksummed finds a handful of national identifiers, with context where needed", () => {
  assert.deepEqual(found("cpf: 529.982.247-25"), [["br_cpf", "529.982.247-25"]]);
  assert.deepEqual(found('{"nie":"X1234567L"}'), [["es_nie", "X1234567L"]]);
  assert.deepEqual(found("DNI 12345678Z"), [["es_dni", "12345678Z"]]);
  assert.deepEqual(found("id card: 11010519491231002X"), [[
    "cn_resident_id",
    "11010519491231002X",
  ]]);
  // Bodies arrive as bytes, read one latin1 character per byte.
  const label = Buffer.from("身份证号码 ", "utf8").toString("latin1");
  assert.deepEqual(found(`${label}11010519491231002X`).length, 1);
  assert.deepEqual(found(`${label}110105194912310021`), []);
  const refused = [
    "cpf: 529.982.247-26",
    "cpf: 111.111.111-11",
    "cpf: 529.982.247-25.1",
    "v529.982.247-25",
    "nie X1234567A",
    "ref 12345678Z",
    "DNI 12345678A",
    "11010519491231002X",
    "id card: 11010519491331002X",
    "id card: 991005194912310021",
  ];
  for (const text of refused) assert.deepEqual(found(text), [], text);
});

Deno.test("checksummed snippets never carry the value", () => {
  const values = [...CARDS.map(([, c]) => c), ...IBANS, P2PKH, WIF, XPRV, ...SEGWIT];
  for (const value of values) {
    const [finding] = scan(value);
    assert.ok(finding !== undefined, value);
    assert.ok(!finding.snippet.includes(value.slice(-4)), `${finding.snippet} shows ${value}`);
  }
});

Deno.test("checksummed stays quiet on benign traffic", () => {
  const benign = [
    "2026-12-06T09:13:38.123Z 1733476418123 1733476418123456 1733476418123456789",
    '{"id": 1234567890123456789, "snowflake": "175928847299117063", "ts": 1700000000000}',
    "123e4567-e89b-12d3-a456-426614174000 12345678-1234-5678-1234-567812345678",
    "9fceb02d0ae598e95dc970b74767f19372d61af8 " +
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    '"integrity": "sha512-3QxYlXnmUqWA8vf4lvVwM6qG5dTAj7U1zH1ZrOKz8mV2oQc8t6wY1gE9c2b7mLp0xRr4tK3nS9dF5gH8jJ6kLq=="',
    "+1 415 555 0123 +44 20 7946 0958 (555) 123-4567 555-123-4567",
    "version 4.1.1 1.22.333.4444 v10.15.3 node-v20.11.1 0.1.2.3.4.5.6.7",
    "pi=3.14159265358979323846 e=2.718281828459045 0.4111111111111111",
    "ISBN 978-3-16-148410-0, order 1000023456, invoice 2024-0001234",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    "https://example.com/a/b?cache=1733476418123&v=3&id=9007199254740993",
  ].join("\n");
  assert.deepEqual(found(benign), []);
});

Deno.test("checksummed finds nothing in random base64, hex and digit soup", () => {
  const rand = prng(99);
  const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const pick = (alphabet: string, n: number) =>
    Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join("");
  assert.deepEqual(found(pick(b64, 1 << 20)), []);
  assert.deepEqual(found(pick(b64.slice(0, 62) + "-_", 1 << 20)), []);
  assert.deepEqual(found(pick("0123456789abcdef", 1 << 18)), []);
  // Luhn passes one number in ten: digits alone would be flagged here by the thousand.
  const soup = Array.from({ length: 20000 }, () => pick("0123456789", 8 + (rand() * 12 | 0)));
  const flagged = found(soup.join(" "));
  assert.ok(flagged.length < 20, `${flagged.length} of 20000 random numbers flagged`);
});

Deno.test("checksummed streams find the same values under every chunking", () => {
  const text = [
    `card ${CARDS[0]![1]}`,
    `amex ${CARDS[5]![1].slice(0, 4)} ${CARDS[5]![1].slice(4, 10)} ${CARDS[5]![1].slice(10)}`,
    `iban DE89 3704 0044 0532 0130 00 and ${IBANS[1]}`,
    `wif ${WIF} xprv ${XPRV}`,
    `to ${SEGWIT[1]} cpf 529.982.247-25 end`,
  ].join("\n");
  const whole = scan(text);
  assert.equal(whole.length, 8);
  for (let cut = 0; cut <= text.length; cut++) {
    const stream = dlp.outboundStream(CHECKSUMMED);
    assert.deepEqual(spans(streamAll(stream, text, [cut])), spans(whole), `cut at ${cut}`);
  }
  const rand = prng(3);
  for (const maxChunk of [1, 3, 17, 200]) {
    const cuts: number[] = [];
    for (let at = 0; at < text.length; at += 1 + Math.floor(rand() * maxChunk)) cuts.push(at);
    assert.deepEqual(spans(streamAll(dlp.outboundStream(CHECKSUMMED), text, cuts)), spans(whole));
  }
});

Deno.test("checksummed streams never settle past the start of a value still to be reported", () => {
  const text = `${"filler text ".repeat(40)}${XPRV} and ${CARDS[1]![1]} done`;
  const stream = dlp.outboundStream(CHECKSUMMED);
  const bytes = new TextEncoder().encode(text);
  const reported: number[] = [];
  const starts = scan(text).map((f) => f.start);
  for (let at = 0; at < bytes.length; at += 5) {
    for (const f of stream.push(bytes.subarray(at, at + 5))) reported.push(f.start);
    for (const start of starts) {
      if (!reported.includes(start)) assert.ok(stream.settled <= start, `settled past ${start}`);
    }
  }
  for (const f of stream.end()) reported.push(f.start);
  assert.deepEqual(reported, starts);
});

Deno.test("checksummed finds grouped values among decimals, versions and dates, at every alignment", () => {
  const values: [string, string][] = [
    ["br_cpf", "529.982.247-25"],
    ["payment_card", "4111-1111-1111-1111"],
    ["payment_card", "5500 0000 0000 0004"],
    ["iban", "DE89 3704 0044 0532 0130 00"],
  ];
  for (const [rule, value] of values) {
    for (let pad = 0; pad < 4; pad++) {
      const text = `v1.2.3 12.50 2024-01-15 -3.25;${" ".repeat(pad)}${value}; 10.0.0.1 99.5%`;
      assert.deepEqual(found(text), [[rule, value]], text);
    }
  }
});
