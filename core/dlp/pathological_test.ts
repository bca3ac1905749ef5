import assert from "node:assert/strict";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

// Inputs built to make a backtracking or quadratic scanner explode. The tests assert only that
// every scan completes (and finds what it should): a regression shows up as a hung test run.

const SECRET = "Zq8vR3tYp7wK2mN5xB4c";
const dlp = new DlpEngine({ knownSecrets: [SECRET], canary: "canary-Pp4Rr7Tt1Vv3Xx6Zz9" });
const OUTBOUND = {
  detectors: ["token_patterns", "known_secrets", "entropy"] as const,
  location: "url",
};
const INBOUND = { detectors: ["naive_injection_detection"] as const, location: "body" };
const MB = 1 << 20;

function fill(unit: string, size = MB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** [name, input, expected outbound findings (undefined: any)] */
const INPUTS: [string, string, number | undefined][] = [
  ['"a"', fill("a"), 0],
  ['"eyJ"', fill("eyJ"), 0],
  ['"eyJ."', fill("eyJ."), 0],
  ["JWT-shaped segments", fill("eyJhbGciOiJIUzI1NiJ9."), undefined],
  ['"-----BEGIN "', fill("-----BEGIN "), 0],
  ["PEM headers", fill("-----BEGIN RSA PRIVATE KEY-----\n"), undefined],
  ["base64 characters", fill(B64), undefined],
  ['"AKIA"', fill("AKIA"), 0],
  ['"ghp_"', fill("ghp_"), 0],
  ['"sk-"', fill("sk-"), 0],
  ['"sk-ant-a"', fill("sk-ant-a"), undefined],
  ["AWS labels", fill("aws_secret_access_key = "), 0],
  ["Slack hook prefixes", fill("hooks.slack.com/services/"), 0],
  ["secret prefix with separators", fill([...SECRET.slice(0, 12)].join("-") + "-"), 0],
  ["separators", fill("-._/: "), 0],
  ['"%0"', fill("%0"), 0],
  ['"%0d%0a"', fill("%0d%0a"), Math.floor(MB / 6)],
];

for (const [name, input, expected] of INPUTS) {
  Deno.test(`DlpEngine scans 1 MiB of ${name} in linear time`, () => {
    const outbound = dlp.scanOutbound(input, OUTBOUND);
    if (expected !== undefined) assert.equal(outbound.length, expected);
    dlp.scanInbound(input, INBOUND);
    const body = { ...OUTBOUND, location: "body" };
    const cuts = Array.from({ length: MB / 4096 }, (_, i) => i * 4096 + 7);
    const streamed = streamAll(dlp.outboundStream(body), input, cuts);
    assert.deepEqual(spans(streamed), spans(dlp.scanOutbound(input, body)));
    streamAll(dlp.inboundStream(INBOUND), input, cuts);
  });
}

Deno.test("DlpEngine reports a private key per 16 KiB of repeated PEM headers", () => {
  const findings = dlp.scanOutbound(fill("-----BEGIN RSA PRIVATE KEY-----\n"), {
    detectors: ["token_patterns"],
    location: "body",
  });
  assert.ok(findings.length > 50 && findings.length < 70, `${findings.length}`);
  assert.ok(findings.every((f) => f.rule === "private_key" && f.end - f.start <= 16526));
});

Deno.test("DlpEngine scans phrase fragments and whitespace floods in linear time", () => {
  for (
    const input of [fill("ignore "), fill("system \t\n "), fill(" "), fill("ignore previous ")]
  ) {
    const findings = dlp.scanInbound(input, INBOUND);
    assert.ok(findings.every((f) => f.end - f.start < 2000));
  }
});

Deno.test("DlpEngine streams a trickle of small chunks of a hostile input", () => {
  const input = fill("-----BEGIN RSA PRIVATE KEY-----\neyJhbGciOi.", 64 * 1024);
  const cuts = Array.from({ length: input.length / 7 }, (_, i) => i * 7);
  const streamed = streamAll(dlp.outboundStream({ ...OUTBOUND, location: "body" }), input, cuts);
  assert.deepEqual(
    streamed.map((f) => [f.rule, f.start, f.end]),
    dlp.scanOutbound(input, { ...OUTBOUND, location: "body" }).map((f) => [f.rule, f.start, f.end]),
  );
});
