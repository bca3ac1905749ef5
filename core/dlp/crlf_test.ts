import assert from "node:assert/strict";
import { spans } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

const dlp = new DlpEngine({ knownSecrets: [] });

Deno.test("DlpEngine.scanUrl() blocks URL-encoded CRLF in any case, with every detector off", () => {
  for (const crlf of ["%0d%0a", "%0D%0A", "%0d%0A"]) {
    const url = `https://api.test/v1/x?a=1${crlf}Host:%20evil.test`;
    const findings = dlp.scanUrl(url, { detectors: [] });
    assert.deepEqual(spans(findings), ["crlf/url_encoded_crlf@25-31"]);
    assert.equal(findings[0]!.severity, "block");
    assert.equal(findings[0]!.location, "url");
    assert.equal(
      dlp.redact(url, findings),
      "https://api.test/v1/x?a=1[REDACTED:url_encoded_crlf]Host:%20evil.test",
    );
  }
});

Deno.test("DlpEngine.scanUrl() ignores a lone %0d or %0a and near misses", () => {
  for (
    const url of [
      "https://a.test/?q=a%0Ab",
      "https://a.test/?q=a%0Db",
      "https://a.test/%0d%0",
      "https://a.test/%00d%0a",
    ]
  ) {
    assert.deepEqual(dlp.scanUrl(url, { detectors: ["token_patterns", "known_secrets"] }), []);
  }
});

Deno.test("DlpEngine.scanOutbound() checks CRLF in header values but not in bodies", () => {
  const value = "a%0d%0aSet-Cookie: x=1";
  const header = dlp.scanOutbound(value, { detectors: [], location: "header:x-note" });
  assert.deepEqual(header.map((f) => [f.rule, f.location]), [[
    "url_encoded_crlf",
    "header:x-note",
  ]]);
  assert.deepEqual(
    dlp.scanOutbound(`line1%0D%0Aline2=${value}`, { detectors: [], location: "body" }),
    [],
  );
});

Deno.test("DlpEngine.scanUrl() also runs the outbound detectors and the canary on the URL", () => {
  const canary = "canary-Zt4Wq9Lm2Xp7Rv5Kb8";
  const engine = new DlpEngine({ knownSecrets: [], canary });
  const url = `https://a.test/cb?code=AKIAIOSFODNN7EXAMPLE&c=${encodeURIComponent(btoa(canary))}`;
  assert.deepEqual(engine.scanUrl(url, { detectors: ["token_patterns"] }).map((f) => f.rule), [
    "aws_access_key_id",
    "canary",
  ]);
});
