import assert from "node:assert/strict";
import { DlpEngine } from "./mod.ts";

const dlp = new DlpEngine({ knownSecrets: [] });
const ENTROPY = { detectors: ["entropy"] as const, location: "body" };

Deno.test("DlpEngine.scanOutbound() warns on a random-looking token when entropy is on", () => {
  const token = "q8Zr2LxT0vNc5WmB7yKd3HfJ9sPg1A";
  const text = `{"session": "${token}"}`;
  const findings = dlp.scanOutbound(text, ENTROPY);
  assert.deepEqual(findings.map((f) => [f.detector, f.rule, f.severity, f.start, f.end]), [
    ["entropy", "high_entropy", "warn", text.indexOf(token), text.indexOf(token) + token.length],
  ]);
  assert.ok(!findings[0]!.snippet.includes(token.slice(0, 6)));
  assert.deepEqual(dlp.scanOutbound(text, { detectors: ["token_patterns"], location: "body" }), []);
});

Deno.test("DlpEngine.scanOutbound() does not flag hashes, UUIDs, identifiers or long blobs", () => {
  const text = [
    "9fceb02d0ae598e95dc970b74767f19372d61af8",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "123e4567-e89b-12d3-a456-426614174000",
    "getElementsByTagNameFromTheCurrentDocument",
    "short1A",
    btoa(String.fromCharCode(...Array.from({ length: 600 }, (_, i) => (i * 97) % 256))),
  ].join(" ");
  assert.deepEqual(dlp.scanOutbound(text, ENTROPY), []);
});
