import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Base64Decoder, HexDecoder } from "./_run_decoders.ts";
import { isBad, mayPass, MIN_DECODED, PROBE } from "./_run_gate.ts";
import { DlpEngine } from "./mod.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

/** What the probe decides on a whole run: decode, judge the first groups, as the view does. */
function probeAccepts(decoded: Uint8Array, groupBytes: number): boolean {
  let judged = decoded.length;
  if (judged >= PROBE) judged = Math.ceil(PROBE / groupBytes) * groupBytes;
  if (judged < MIN_DECODED) return false;
  const head = decoded.subarray(0, Math.min(judged, decoded.length));
  return head.filter(isBad).length * 8 <= head.length;
}

Deno.test("mayPass() refuses a base64 try exactly when its probe would", () => {
  const samples: string[] = [];
  for (let i = 0; i < 400; i++) {
    const random = crypto.getRandomValues(new Uint8Array(24 + (i % 40)));
    samples.push(Buffer.from(random).toString("base64url").replace(/=+$/, ""));
    samples.push(Buffer.from(`token=${i} ghp_${"x".repeat(i % 30)}`).toString("base64url"));
    samples.push(Buffer.from(random).toString("hex").slice(0, 24 + (i % 40)));
    samples.push(`some-package-name-${i}-with-words`.replaceAll(/[^A-Za-z0-9_-]/g, ""));
  }
  for (const text of samples) {
    const padded = text.length % 4 === 1 ? text.slice(0, -1) : text;
    const expected = probeAccepts(Buffer.from(padded, "base64url"), 3);
    const got = mayPass(() => new Base64Decoder(), bytes(padded), 0, padded.length, true);
    if (!got) assert.equal(expected, false, `mayPass refused what the probe accepts: ${padded}`);
    if (expected) assert.equal(got, true, padded);
  }
});

Deno.test("mayPass() says maybe until a run is long enough, and judges hex by its high digits", () => {
  const hexText = Buffer.from("password=hunter2-and-more").toString("hex");
  const make = () => new HexDecoder();
  assert.equal(mayPass(make, bytes(hexText), 0, 6, false), true, "too short to judge, run goes on");
  assert.equal(mayPass(make, bytes(hexText), 0, 6, true), false, "too short to scan, run ended");
  assert.equal(mayPass(make, bytes(hexText), 0, hexText.length, true), true);
  const digest = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  assert.equal(mayPass(make, bytes(digest), 0, digest.length, true), false);
});

Deno.test("the decoded view still finds a base64-wrapped token behind a path and a label", () => {
  const dlp = new DlpEngine({ knownSecrets: [] });
  const token = ["ghp", "R8x2Kq9LmT4vW7yZ1aB3cD5eF6gH0jN2pQ4s"].join("_");
  const encoded = Buffer.from(`{"token":"${token}"}`).toString("base64url");
  for (const text of [`/v1/upload/${encoded}`, `sha512-${encoded}`, `x ${encoded} y`]) {
    const found = dlp.scanOutbound(text, { detectors: ["token_patterns"], location: "body" });
    assert.equal(found.length, 1, text);
    assert.match(found[0]!.snippet, /after base64 decoding/);
  }
});

Deno.test("a token whose left boundary only an escape provides is found in every encoding depth", () => {
  const dlp = new DlpEngine({ knownSecrets: [] });
  const key = ["AKIA", "LBCJIJZFKOAIM7VA"].join("");
  let body = JSON.stringify({ k: key });
  for (let depth = 1; depth <= 3; depth++) {
    body = encodeURIComponent(body);
    const text = `name=build&data=${body}&notify=1`;
    const found = dlp.scanOutbound(text, { detectors: ["token_patterns"], location: "body" });
    assert.equal(found.length, 1, `depth ${depth}: ${text}`);
    assert.equal(found[0]!.rule, "aws_access_key_id");
    assert.ok(!dlp.redact(text, found).includes(key.slice(4)), "redaction removes the key");
  }
});
