import assert from "node:assert/strict";
import { encodings } from "./_testing.ts";
import { DlpEngine, type Finding } from "./mod.ts";

const SECRET = "Mv7Qx2Lp9Rt4Kw8Zb3Nc";
const CANARY = "canary-Fy6Hs1Jd4Gk7Lq0Pw3";
const dlp = new DlpEngine({ knownSecrets: [SECRET], canary: CANARY });
const ALL = { detectors: ["token_patterns", "known_secrets"] as const, location: "body" };

Deno.test("DlpEngine.redact() removes every encoding of every secret; a re-scan is clean", () => {
  const forms = [...encodings(SECRET), ...encodings(CANARY)].map(([, form]) => form);
  const text = forms.map((form, i) => `field${i}=${form}`).join("&") +
    "&gh=ghp_aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ&aws=AKIAIOSFODNN7EXAMPLE";
  const findings = dlp.scanOutbound(text, ALL);
  assert.ok(findings.length >= forms.length + 2);
  const redacted = dlp.redact(text, findings);
  for (const form of forms) assert.ok(!redacted.includes(form), form);
  assert.ok(!redacted.includes("ghp_aB3c") && !redacted.includes("AKIAIOSF"));
  assert.deepEqual(dlp.scanOutbound(redacted, ALL), []);
  assert.ok(
    redacted.startsWith("field0=[REDACTED:known_secret]&field1=[REDACTED:known_secret_hex]"),
  );
});

Deno.test("DlpEngine.redact() merges overlapping findings and leaves text without findings alone", () => {
  const text = "abcdefghij";
  const at = (start: number, end: number, rule: string): Finding => ({
    detector: "token_patterns",
    rule,
    severity: "block",
    location: "body",
    snippet: "",
    start,
    end,
  });
  assert.equal(dlp.redact(text, [at(5, 8, "b"), at(1, 6, "a"), at(2, 3, "c")]), "a[REDACTED:a]ij");
  assert.equal(dlp.redact(text, []), text);
  assert.throws(() => dlp.redact(text, [at(8, 12, "x")]), RangeError);
  assert.throws(() => dlp.redact(text, [at(3, 3, "x")]), /Cannot redact finding "x" at 3\.\.3/);
});

Deno.test("DlpEngine.redactSecrets() scrubs secrets, the canary and tokens from a log line", () => {
  const line = JSON.stringify({
    event: "egress_request",
    path: `/v1?key=${SECRET}&c=${btoa(CANARY)}`,
    headers: { authorization: "Bearer sk-ant-api03-aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3wX4yZ" },
  });
  const scrubbed = dlp.redactSecrets(line);
  assert.ok(!scrubbed.includes(SECRET) && !scrubbed.includes(btoa(CANARY).slice(0, 20)));
  assert.ok(!scrubbed.includes("sk-ant-api03"));
  assert.ok(scrubbed.includes('"event":"egress_request"'));
  assert.equal(dlp.redactSecrets("nothing to hide"), "nothing to hide");
});
