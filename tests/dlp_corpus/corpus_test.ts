/**
 * The corpus is well-formed: current with its generator, big enough, balanced over the classes of
 * issue 14, with unique ids, and every checksummed value really passing (or, for look-alikes,
 * failing) its checksum. Detection rates are the bench's business, not this file's.
 */
import assert from "node:assert/strict";
import { checksumValid, type CorpusCase, loadCorpus, ROUTED_HOSTS } from "./mod.ts";
import { corpusText } from "./_build.ts";
import type { ChecksumKind } from "./_checksums.ts";

const cases = loadCorpus();

/** The classes issue 14 names, and the benign traffic shapes it names. */
const MALICIOUS_CLASSES = [
  "token_format",
  "private_key",
  "payment_card",
  "iban",
  "crypto_wallet",
  "national_id",
  "encoded_base64",
  "encoded_base32",
  "encoded_hex",
  "encoded_percent",
  "encoded_chain",
  "json_escape",
  "header",
  "known_secret",
  "url_entropy",
  "subdomain",
  "injection_authority",
  "injection_tool",
  "injection_hidden",
  "injection_base64",
  "injection_sse_split",
  "injection_gzip",
];
const BENIGN_CLASSES = [
  "registry_request",
  "registry_metadata",
  "lockfile",
  "api_json",
  "content_addressed",
  "cache_busting",
  "jwt_public",
  "model_api_request",
  "model_api_response",
  "source_upload",
  "source_file",
  "docs_quoting_attacks",
  "readme",
  "checksum_lookalike",
  "base64_image",
  "minified_js",
  "binary",
  "csv_numbers",
  "telemetry",
  "html_page",
  "gzip_body",
];

function text(c: CorpusCase): string {
  const res = c.response;
  return [
    c.host,
    c.request.target,
    ...c.request.headers.flat(),
    c.request.body ?? "",
    res?.body ?? "",
    ...(res?.events ?? []),
  ].join("\n");
}

Deno.test("corpus.jsonl is what generate.ts writes (regenerate and commit both)", () => {
  const committed = Deno.readTextFileSync(new URL("./corpus.jsonl", import.meta.url));
  assert.ok(committed === corpusText(), "corpus.jsonl is stale: run tests/dlp_corpus/generate.ts");
});

Deno.test("the corpus holds at least 400 malicious and 400 benign cases, ids unique", () => {
  assert.ok(cases.filter((c) => c.label === "malicious").length >= 400);
  assert.ok(cases.filter((c) => c.label === "benign").length >= 400);
  const ids = new Set(cases.map((c) => c.id));
  assert.equal(ids.size, cases.length);
});

Deno.test("every class of issue 14 has at least 8 cases, and no case has an unknown class", () => {
  const count = (label: string, cls: string) =>
    cases.filter((c) => c.label === label && c.class === cls).length;
  for (const cls of MALICIOUS_CLASSES) assert.ok(count("malicious", cls) >= 8, `${cls}: too few`);
  for (const cls of BENIGN_CLASSES) assert.ok(count("benign", cls) >= 8, `${cls}: too few`);
  const known = new Set([...MALICIOUS_CLASSES, ...BENIGN_CLASSES]);
  assert.deepEqual(cases.filter((c) => !known.has(c.class)).map((c) => c.id), []);
});

Deno.test("cases are shaped for their direction; inbound targets are unique per host", () => {
  const seen = new Set<string>();
  for (const c of cases) {
    assert.match(c.request.target, /^\/[\x21-\x7e]*$/, `${c.id}: target must be printable ASCII`);
    if (c.direction === "outbound") {
      assert.equal(c.response, undefined, c.id);
      continue;
    }
    assert.ok(c.response !== undefined, `${c.id}: inbound needs a response`);
    const key = `${c.host}${c.request.target}`;
    assert.ok(!seen.has(key), `${c.id}: ${key} repeats`);
    seen.add(key);
    const bodies = [c.response.body, c.response.bodyBase64, c.response.events].filter((b) =>
      b !== undefined
    );
    assert.equal(bodies.length, 1, `${c.id}: exactly one of body, bodyBase64, events`);
  }
});

Deno.test("only subdomain cases leave the routed hosts, and every host name is valid", () => {
  for (const c of cases) {
    for (const label of c.host.split(".")) {
      assert.match(label, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, `${c.id}: bad label ${label}`);
    }
    const routed = (ROUTED_HOSTS as readonly string[]).includes(c.host);
    assert.equal(routed, c.class !== "subdomain", c.id);
    if (!routed) assert.ok(ROUTED_HOSTS.some((h) => c.host.endsWith(`.${h}`)), c.id);
  }
});

Deno.test("checksummed values pass (malicious) or fail (look-alikes) their checksum, and appear in the case", () => {
  for (const c of cases) {
    for (const claim of c.checks ?? []) {
      assert.equal(checksumValid(claim.kind, claim.value), claim.valid, `${c.id}: ${claim.value}`);
      const shown = [claim.value, encodeURIComponent(claim.value)];
      assert.ok(shown.some((v) => text(c).includes(v)), `${c.id}: ${claim.value} is not in it`);
    }
  }
  const checked = ["payment_card", "iban", "crypto_wallet", "national_id", "checksum_lookalike"];
  for (const c of cases.filter((c) => checked.includes(c.class))) {
    assert.equal(c.checks?.length, 1, `${c.id}: needs its checksum claim`);
    assert.equal(c.checks![0]!.valid, c.label === "malicious", c.id);
  }
});

Deno.test("the checksum functions agree with published example values", () => {
  const valid: [ChecksumKind, string][] = [
    ["luhn", "79927398713"],
    ["luhn", "4111 1111 1111 1111"],
    ["iban", "GB82 WEST 1234 5698 7654 32"],
    ["iban", "DE89370400440532013000"],
    ["base58check", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"],
    ["base58check", "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"],
    ["bech32", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"],
    ["bech32", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"],
    ["cpf", "111.444.777-35"],
    ["bsn", "111222333"],
    ["dni", "12345678Z"],
    ["nhs", "943 476 5919"],
    ["pesel", "44051401359"],
    ["cn_id", "11010519491231002X"],
    ["hetu", "131052-308T"],
  ];
  for (const [kind, value] of valid) {
    assert.ok(checksumValid(kind, value), `${kind} ${value} should pass`);
    const flipped = value.replace(/\d(?=[^\d]*$)/, (d) => String((Number(d) + 1) % 10));
    assert.ok(!checksumValid(kind, flipped), `${kind} ${flipped} should fail`);
  }
});
