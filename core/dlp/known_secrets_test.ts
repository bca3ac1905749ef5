import assert from "node:assert/strict";
import { ConfigError } from "../errors/mod.ts";
import { encodings, spans, streamAll } from "./_testing.ts";
import { DlpEngine, type Finding } from "./mod.ts";

const SECRET = "Zq8-vR3t_Yp7wK2mN5xB";
const RESERVED = "aB3+dE6/gH9=jK2mN5pQ";
const CANARY = "c4n4ry-Jq3nV8sLw2Xz7Rb5Tm1Ky9Pd0Hf6Ga4";
const dlp = new DlpEngine({ knownSecrets: [SECRET, RESERVED], canary: CANARY });
const SECRETS_ON = { detectors: ["known_secrets"] as const, location: "body" };

function scan(text: string, engine = dlp): Finding[] {
  return engine.scanOutbound(text, SECRETS_ON);
}

function assertNoLeak(findings: readonly Finding[], secret: string): void {
  for (const f of findings) {
    assert.ok(!f.snippet.includes(secret.slice(0, 6)), `snippet leaks: ${f.snippet}`);
  }
}

for (const [variant, form] of encodings(SECRET)) {
  Deno.test(`DlpEngine.scanOutbound() finds a known secret as ${variant}: ${JSON.stringify(form.slice(0, 24))}…`, () => {
    const text = `{"note": "upload", "data": "${form}", "more": 1}`;
    const findings = scan(text);
    const rule = variant === "raw" ? "known_secret" : `known_secret_${variant}`;
    assert.deepEqual(findings.map((f) => [f.detector, f.rule, f.severity]), [
      ["known_secrets", rule, "block"],
    ]);
    const [f] = findings;
    const at = text.indexOf(form);
    assert.ok(f!.start >= at && f!.end <= at + form.length && f!.end - f!.start >= SECRET.length);
    assertNoLeak(findings, SECRET);
    const redacted = dlp.redact(text, findings);
    assert.ok(!redacted.includes(form));
    assert.deepEqual(scan(redacted), []);
  });
}

Deno.test("DlpEngine.scanOutbound() finds a secret whose reserved characters are percent-encoded", () => {
  for (const form of [encodeURIComponent(RESERVED), `q=${encodeURIComponent(RESERVED)}&x=1`]) {
    const findings = scan(form);
    assert.deepEqual(findings.map((f) => f.rule), ["known_secret_urlencoded"]);
    assert.ok(!dlp.redact(form, findings).includes("aB3"));
  }
  assert.deepEqual(scan(`k=${RESERVED}`).map((f) => f.rule), ["known_secret"]);
});

Deno.test("DlpEngine.scanOutbound() matches secrets whatever their case in hex but not other secrets", () => {
  const near = SECRET.slice(0, -1) + (SECRET.endsWith("B") ? "C" : "B");
  assert.deepEqual(scan(`value=${near}`), []);
  assert.deepEqual(scan(`value=${SECRET.slice(1)}`), []);
  assert.deepEqual(scan(Buffer_hex(near)), []);
});

function Buffer_hex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, "0")).join(
    "",
  );
}

Deno.test("DlpEngine.scanOutbound() ignores a separator run longer than 8 between secret characters", () => {
  const secret = "Kx7mQ2pL9vR4tW8z";
  const engine = new DlpEngine({ knownSecrets: [secret] });
  assert.deepEqual(scan([...secret].join(" ".repeat(9)), engine), []);
  assert.equal(scan([...secret].join(" ".repeat(8)), engine).length, 1);
});

Deno.test("DlpEngine.scanOutbound() reports every occurrence, with byte offsets", () => {
  const text = `${SECRET} and ${SECRET}`;
  assert.deepEqual(spans(scan(text)), [
    `known_secrets/known_secret@0-${SECRET.length}`,
    `known_secrets/known_secret@${SECRET.length + 5}-${2 * SECRET.length + 5}`,
  ]);
});

Deno.test("DlpEngine ignores known secrets with fewer than 8 letters and digits", () => {
  const engine = new DlpEngine({ knownSecrets: ["abc123", "a-b-c-1-2-3-4", "abcd1234"] });
  assert.equal(engine.ignoredSecrets, 2);
  assert.deepEqual(scan("abc123 a-b-c-1-2-3-4 616263313233", engine), []);
  assert.deepEqual(scan("x abcd1234 y", engine).map((f) => f.rule), ["known_secret"]);
});

Deno.test("DlpEngine.scanOutbound() does not report known secrets when the detector is off", () => {
  const findings = dlp.scanOutbound(`${SECRET} ${btoa(SECRET)}`, {
    detectors: ["token_patterns"],
    location: "body",
  });
  assert.deepEqual(findings, []);
});

Deno.test("DlpEngine.scanOutbound() always reports the canary, in every form, as detector canary", () => {
  for (const detectors of [[], ["token_patterns"], ["known_secrets"]] as const) {
    for (const [variant, form] of encodings(CANARY)) {
      const findings = dlp.scanOutbound(`x ${form} y`, { detectors, location: "header:x-id" });
      assert.deepEqual(findings.map((f) => [f.detector, f.rule, f.location]), [
        ["canary", "canary", "header:x-id"],
      ], `${variant}: ${form}`);
      assert.ok(findings[0]!.snippet.includes("canary"));
      assert.ok(!findings[0]!.snippet.includes(CANARY.slice(0, 6)));
    }
  }
});

Deno.test("DlpEngine reports a secret equal to the canary as the canary", () => {
  const engine = new DlpEngine({ knownSecrets: [CANARY], canary: CANARY });
  assert.deepEqual(scan(CANARY, engine).map((f) => f.detector), ["canary"]);
  assert.equal(engine.ignoredSecrets, 1);
});

Deno.test("DlpEngine.scanOutbound() scans binary bodies as latin1 without throwing", () => {
  const binary = String.fromCharCode(0, 0xff, 0x80, 0xc3) + SECRET + "\u2603\u200b";
  assert.deepEqual(scan(binary).map((f) => [f.rule, f.start]), [["known_secret", 4]]);
  const zeroWidth = [...SECRET].join("\u200b");
  assert.deepEqual(scan(zeroWidth).map((f) => f.rule), ["known_secret_separated"]);
});

Deno.test("DlpEngine.scanOutbound() rejects an unknown detector name", () => {
  assert.throws(
    () => dlp.scanOutbound("x", { detectors: ["known_secret" as "known_secrets"], location: "b" }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message.includes('unknown outbound detector "known_secret"'),
  );
  assert.throws(
    () =>
      dlp.scanInbound("x", {
        detectors: ["injection" as "naive_injection_detection"],
        location: "b",
      }),
    ConfigError,
  );
});

// SHORT has so few characters that the engine feeds every byte to the DFA instead of sampling.
const SHORT = "Kx7mQ2pL9v";
const withShort = new DlpEngine({ knownSecrets: [SHORT] });

for (const [secret, engine] of [[SECRET, dlp], [SHORT, withShort]] as const) {
  for (const [variant, form] of encodings(secret)) {
    Deno.test(`DlpEngine.outboundStream() finds ${secret} as ${variant} split at every offset`, () => {
      const text = `prefix ${form} suffix`;
      const expected = spans(scan(text, engine));
      assert.equal(expected.length, 1);
      for (let cut = 0; cut <= text.length; cut++) {
        const found = streamAll(engine.outboundStream(SECRETS_ON), text, [cut]);
        assert.deepEqual(spans(found), expected, `cut at ${cut}`);
      }
    });
  }
}

Deno.test("DlpEngine.outboundStream() finds the canary fed one byte at a time", () => {
  const text = `a=${btoa(CANARY)}&b=${CANARY}`;
  const cuts = Array.from({ length: text.length }, (_, i) => i);
  const found = streamAll(dlp.outboundStream({ detectors: [], location: "body" }), text, cuts);
  assert.deepEqual(
    spans(found),
    spans(dlp.scanOutbound(text, { detectors: [], location: "body" })),
  );
  assert.equal(found.length, 2);
});

Deno.test("DlpEngine finds a known secret in every form at every offset amid digits, one-shot and streamed", () => {
  // Digit runs hit the 4-grams of a secret's hex form, so the sampler's 8-gram check decides;
  // every offset puts the sample point at a different place inside the match.
  for (const [variant, form] of encodings(SECRET)) {
    const rule = variant === "raw" ? "known_secret" : `known_secret_${variant}`;
    for (let pad = 0; pad < 40; pad++) {
      const lead = "3735363738".repeat(4).slice(0, pad);
      const text = `${lead} ${form} 7336353537`;
      assert.deepEqual(scan(text).map((f) => f.rule), [rule], `${variant} after ${pad}`);
      const cut = [Math.min(text.length, pad + 1 + (pad % form.length))];
      const streamed = streamAll(dlp.outboundStream(SECRETS_ON), text, cut);
      assert.deepEqual(streamed.map((f) => f.rule), [rule], `${variant} after ${pad}, streamed`);
    }
  }
});
