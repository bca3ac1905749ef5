import assert from "node:assert/strict";
import { secretPart } from "./_secret_patterns.ts";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

const RANDOM = "9f2c41d07be35a6688c1e0f4a7d29b53";
const CANARY = `bbcanary-${RANDOM}`;
const TOKEN = "ghp_Q7vLm2Xk9RtW4pZs8NcY1bHd6JfG3aEu5KqV";
const dlp = new DlpEngine({ knownSecrets: [TOKEN], canary: CANARY });
const ON = { detectors: ["known_secrets"] as const, location: "body" };

Deno.test("secretPart() strips public prefix segments while 16 letters and digits remain", () => {
  assert.equal(secretPart(CANARY), RANDOM);
  assert.equal(secretPart(TOKEN), TOKEN.slice(4));
  assert.equal(secretPart("sk-ant-oat01-AbCdEfGhIjKlMnOpQrSt"), "AbCdEfGhIjKlMnOpQrSt");
  // Too little would be left: the value is its own secret part.
  assert.equal(secretPart("Zq8-vR3t_Yp7wK2mN5xB"), "Zq8-vR3t_Yp7wK2mN5xB");
  assert.equal(secretPart("correct-horse-battery-staple"), "horse-battery-staple");
  assert.equal(secretPart("AKIAIOSFODNN7EXAMPLE"), "AKIAIOSFODNN7EXAMPLE");
  assert.equal(secretPart("12-ab_cdefghijklmnopqrstu"), "12-ab_cdefghijklmnopqrstu");
});

Deno.test("the canary is caught by its random part alone, in every form and reversed", () => {
  const forms = [
    RANDOM,
    RANDOM.toUpperCase(),
    btoa(RANDOM),
    [...RANDOM].reverse().join(""),
    `${RANDOM}aabbccdd`, // as a 40-hex object id
  ];
  for (const form of forms) {
    const found = dlp.scanOutbound(`x=${form}&y=1`, { detectors: [], location: "body" });
    assert.deepEqual(found.map((f) => f.detector), ["canary"], form);
  }
});

Deno.test("a known secret is caught without its public prefix, and reversed", () => {
  const part = TOKEN.slice(4);
  const reversed = [...TOKEN].reverse().join("");
  assert.deepEqual(dlp.scanOutbound(`k=${part}`, ON).map((f) => f.rule), ["known_secret"]);
  assert.deepEqual(dlp.scanOutbound(`k=${reversed}`, ON).map((f) => f.rule), [
    "known_secret_reversed",
  ]);
  const redacted = dlp.redact(`k=${reversed}`, dlp.scanOutbound(`k=${reversed}`, ON));
  assert.ok(!redacted.includes(reversed.slice(0, 20)), redacted);
  for (let cut = 0; cut < reversed.length + 2; cut++) {
    const found = streamAll(dlp.outboundStream(ON), `k=${reversed}`, [cut]);
    // The match is the secret part reversed: the public prefix `ghp_` trails it.
    assert.deepEqual(spans(found), [`known_secrets/known_secret_reversed@2-${2 + part.length}`]);
  }
});

Deno.test("a short known secret is not matched by a fragment or by a word that contains it", () => {
  const engine = new DlpEngine({ knownSecrets: ["hunter2!x", "Passw0rd"] });
  assert.deepEqual(engine.scanOutbound("hunter2 went home; Passw0 is", ON), []);
  assert.deepEqual(engine.scanOutbound("Passw0rd", ON).map((f) => f.rule), ["known_secret"]);
  // Seven letters and digits: too short to scan for at all.
  const tiny = new DlpEngine({ knownSecrets: ["abc-1234"] });
  assert.equal(tiny.ignoredSecrets, 1);
});
