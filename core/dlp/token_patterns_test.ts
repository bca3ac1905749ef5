import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spans, streamAll } from "./_testing.ts";
import { TOKEN_SPECS } from "./_token_rules.ts";
import { DlpEngine } from "./mod.ts";

const dlp = new DlpEngine({ knownSecrets: [] });
const TOKENS = { detectors: ["token_patterns"] as const, location: "body" };
const ALNUM = "aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ5AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";

/** `n` characters of a fixed alphanumeric string, from offset `from`. */
function chars(n: number, from = 0): string {
  return ALNUM.repeat(Math.ceil((n + from) / ALNUM.length) + 1).slice(from, from + n);
}

const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun",
  "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

const JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." +
  "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ." +
  "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

/** [rule, token] — every table example that is a whole token. */
const POSITIVES: [string, string][] = TOKEN_SPECS.flatMap((spec) =>
  spec.tp.flatMap((tp) => typeof tp === "string" ? [[spec.name, tp] as [string, string]] : [])
);

const CONTEXTS: readonly (readonly [string, string])[] = [
  ["", ""],
  ['{"key": "', '"}'],
  ["Authorization: Bearer ", "\r\n"],
  ["https://x.test/?q=", "&x=1"],
];

for (const [rule, token] of POSITIVES) {
  Deno.test(`DlpEngine.scanOutbound() finds ${rule} in every context (${token.slice(0, 12)}…)`, () => {
    for (const [before, after] of CONTEXTS) {
      const text = `${before}${token}${after}`;
      const findings = dlp.scanOutbound(text, TOKENS);
      assert.deepEqual(spans(findings), [
        `token_patterns/${rule}@${before.length}-${before.length + token.length}`,
      ]);
      const [f] = findings;
      assert.equal(f!.severity, "block");
      assert.ok(!f!.snippet.includes(token.slice(-8)), `snippet leaks: ${f!.snippet}`);
      assert.ok(f!.snippet.endsWith(`(${token.length} chars)`));
      assert.equal(dlp.redact(text, findings), `${before}[REDACTED:${rule}]${after}`);
    }
  });
}

Deno.test("DlpEngine.scanOutbound() shows only the literal prefix of a token in its snippet", () => {
  const [f] = dlp.scanOutbound("A3TXABCDEFGHIJKLMNOP", TOKENS);
  assert.equal(f!.snippet, "A3T…(20 chars)");
});

Deno.test("DlpEngine.scanOutbound() finds a labelled AWS secret key and covers only the value", () => {
  const value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  for (
    const label of [
      "aws_secret_access_key = ",
      "AWS_SECRET_ACCESS_KEY=",
      '"SecretAccessKey": "',
      "<SecretAccessKey>",
      "aws-secret-key: '",
    ]
  ) {
    const text = `${label}${value}\n`;
    assert.deepEqual(spans(dlp.scanOutbound(text, TOKENS)), [
      `token_patterns/aws_secret_access_key@${label.length}-${label.length + 40}`,
    ], label);
  }
  assert.deepEqual(dlp.scanOutbound(`secret_key = ${value}`, TOKENS), []);
  assert.deepEqual(dlp.scanOutbound(`checksum: ${value}`, TOKENS), []);
});

Deno.test("DlpEngine.scanOutbound() finds a private key block without END up to the end of its body", () => {
  const truncated = PEM.split("\n").slice(0, 3).join("\n");
  const text = `${truncated}\n"}`;
  const findings = dlp.scanOutbound(text, TOKENS);
  assert.deepEqual(spans(findings), [`token_patterns/private_key@0-${truncated.length + 1}`]);
  assert.ok(!dlp.redact(text, findings).includes("MIIEow"));
});

Deno.test("DlpEngine.scanOutbound() finds a private key block inside a JSON string", () => {
  const text = JSON.stringify({ key: PEM });
  const findings = dlp.scanOutbound(text, TOKENS);
  assert.deepEqual(findings.map((f) => f.rule), ["private_key"]);
  assert.equal(dlp.redact(text, findings), '{"key":"[REDACTED:private_key]"}');
});

/** [why, text] — inputs that must not trip token_patterns. */
const NEGATIVES: [string, string][] = [
  [
    "prose",
    "The egress proxy asks the secret store for a token; ask the operator before you skip a task. " +
    "They keyed the key-value map by the highest skill, so sk-learn and gh-pages stay fine.",
  ],
  [
    "UUIDs",
    "id=123e4567-e89b-12d3-a456-426614174000 AKIA-ish 550e8400-e29b-41d4-a716-446655440000",
  ],
  [
    "git SHAs",
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8 parent 1a410efbd13591db07496601ebc7a059dd55cfe9",
  ],
  ["sha256", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
  ["short github prefix", `ghp_${chars(20)} gho_x ghs_ github_pat_short`],
  ["github prefix inside a word", `xghp_${chars(36)} 1AKIAIOSFODNN7EXAMPLE`],
  ["AWS id with extra characters", "AKIAIOSFODNN7EXAMPLEX AKIAIOSFODNN7EXAMP"],
  ["short openai-ish", `sk-${chars(20)} sk-ant- sk-proj-short`],
  ["single base64 segment", "eyJhbGciOiJIUzI1NiJ9 and eyJ.eyJ.x"],
  ["public material", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq\n-----BEGIN CERTIFICATE-----"],
  ["unlabelled 40 characters", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
  ["code", "const secret = process.env.SECRET; if (secretAccessKey) { return key; } // TODO"],
];

for (const [why, text] of NEGATIVES) {
  Deno.test(`DlpEngine.scanOutbound() does not flag ${why}`, () => {
    assert.deepEqual(dlp.scanOutbound(text, TOKENS), []);
  });
}

Deno.test("DlpEngine.scanOutbound() does not flag base64 of harmless data", () => {
  let seed = 42;
  const random = new Uint8Array(96 * 1024).map(() =>
    (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24
  );
  const prose = Buffer.from(NEGATIVES.map(([, t]) => t).join("\n").repeat(200));
  for (const data of [random, prose, Buffer.from(JSON.stringify({ a: [1, 2, 3], b: "x" }))]) {
    const b64 = Buffer.from(data).toString("base64");
    assert.deepEqual(dlp.scanOutbound(b64, TOKENS), []);
    assert.deepEqual(dlp.scanOutbound(b64.replace(/.{76}/g, "$&\n"), TOKENS), []);
  }
});

Deno.test("DlpEngine.scanOutbound() finds tokens only with the detector on", () => {
  assert.deepEqual(dlp.scanOutbound(JWT, { detectors: ["known_secrets"], location: "body" }), []);
});

Deno.test("DlpEngine.outboundStream() finds tokens split at every offset", () => {
  const picks = ["aws_access_key_id", "github_pat", "openai_project_key", "telegram_bot_token"];
  const tokens = picks.map((rule) => POSITIVES.find(([name]) => name === rule)![1]);
  for (const token of [...tokens, PEM, JWT]) {
    const text = `first line\n${token}\nlast`;
    const expected = spans(dlp.scanOutbound(text, TOKENS));
    assert.equal(expected.length, 1);
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(spans(streamAll(dlp.outboundStream(TOKENS), text, [cut])), expected);
    }
  }
});

Deno.test("DlpEngine.outboundStream() waits for a token that may still grow, then reports it once", () => {
  const stream = dlp.outboundStream(TOKENS);
  const token = `ghp_${chars(40)}`;
  assert.deepEqual(stream.push(Buffer.from(`x ${token}`)), []);
  assert.ok(stream.settled <= 2);
  const findings = stream.push(Buffer.from(`${chars(10)} tail`));
  assert.deepEqual(spans(findings), [`token_patterns/github_pat@2-${2 + token.length + 10}`]);
  assert.deepEqual(stream.end(), []);
  assert.throws(() => stream.push(new Uint8Array(1)), TypeError);
});
