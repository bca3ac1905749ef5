import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { bytesOf, spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

const SECRET = "Wm4rT8qZ2vKp6YxN3cLs";
const CANARY = "bbcanary-0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const dlp = new DlpEngine({ knownSecrets: [SECRET], canary: CANARY });
const ON = { detectors: ["known_secrets", "token_patterns"] as const, location: "body" };

/** Every character as a JSON `\uXXXX` escape. */
function jsonEscaped(text: string): string {
  return [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
}

/** One character of `text` (the middle one) as `%XX`. */
function oneEscaped(text: string): string {
  const at = Math.floor(text.length / 2);
  return `${text.slice(0, at)}%${text.charCodeAt(at).toString(16)}${text.slice(at + 1)}`;
}

const FORMS: [string, string][] = [
  ["JSON \\u escapes", `{"note": "${jsonEscaped(SECRET)}"}`],
  [
    "one JSON \\u escape",
    `{"note": "${SECRET.slice(0, 7)}${jsonEscaped(SECRET[7]!)}${SECRET.slice(8)}"}`,
  ],
  ["a JSON \\n inside", `{"note": "${SECRET.slice(0, 10)}\\n${SECRET.slice(10)}"}`],
  ["one %XX in a body of no declared type", `data=${oneEscaped(SECRET)}`],
  ["%XX and \\u mixed", `${oneEscaped(SECRET.slice(0, 10))}${jsonEscaped(SECRET.slice(10))}`],
];

for (const [what, text] of FORMS) {
  Deno.test(`DlpEngine finds a known secret written with ${what}, streamed at every cut`, () => {
    const once = dlp.scanOutbound(text, ON);
    assert.equal(once.length, 1, `${text}: ${spans(once)}`);
    assert.equal(once[0]!.rule.startsWith("known_secret"), true);
    assert.match(once[0]!.snippet, /after decoding escapes/);
    const redacted = dlp.redact(text, once);
    assert.deepEqual(dlp.scanOutbound(redacted, ON), [], `redacted: ${redacted}`);
    for (let cut = 0; cut <= text.length; cut++) {
      assert.deepEqual(
        spans(streamAll(dlp.outboundStream(ON), text, [cut])),
        spans(once),
        `cut at ${cut}`,
      );
    }
  });
}

Deno.test("DlpEngine finds the canary written with JSON escapes even when the route scans nothing", () => {
  const text = `{"x":"${jsonEscaped(CANARY.slice(9))}"}`;
  const found = dlp.scanOutbound(text, { detectors: [], location: "body" });
  assert.deepEqual(found.map((f) => f.detector), ["canary"]);
});

Deno.test("DlpEngine reports a secret seen by both scans once", () => {
  const hex = Buffer.from(SECRET).toString("hex").replace(/../g, "%$&");
  assert.deepEqual(dlp.scanOutbound(hex, ON).map((f) => f.rule), ["known_secret_urlencoded"]);
  const plain = `${SECRET} %41 \\n`;
  assert.deepEqual(dlp.scanOutbound(plain, ON).map((f) => f.rule), ["known_secret"]);
});

Deno.test("DlpEngine finds an escaped secret far into a long stream, and one 30 KiB after an escape", () => {
  const filler = "z ".repeat(40 * 1024);
  const escaped = `${filler}${oneEscaped(SECRET)}${filler}`;
  const stream = dlp.outboundStream(ON);
  const found: string[] = [];
  const bytes = bytesOf(escaped);
  for (let at = 0; at < bytes.length; at += 4096) {
    found.push(...spans(stream.push(bytes.subarray(at, at + 4096))));
  }
  found.push(...spans(stream.end()));
  assert.deepEqual(found, spans(dlp.scanOutbound(escaped, ON)));
  assert.equal(found.length, 1);
  const late = `a%41 ${"q ".repeat(15 * 1024)}${oneEscaped(SECRET)}`;
  assert.equal(streamAll(dlp.outboundStream(ON), late, [100, 20_000]).length, 1);
});

Deno.test("DlpEngine never releases a byte of a secret whose escape arrives in a later chunk", () => {
  const text = `${"w ".repeat(30 * 1024)}${SECRET.slice(0, -1)}`;
  const stream = dlp.outboundStream(ON);
  assert.deepEqual(stream.push(bytesOf(text)), []);
  assert.ok(stream.settled <= text.length - SECRET.length, `settled ${stream.settled}`);
  const last = `%${SECRET.charCodeAt(SECRET.length - 1).toString(16)}`;
  // The view's finding waits until no scan can report an overlapping one first.
  const found = [...stream.push(bytesOf(last)), ...stream.end()];
  assert.deepEqual(found.map((f) => [f.start, f.end]), [[
    text.length - SECRET.length + 1,
    text.length + 3,
  ]]);
});

Deno.test("DlpEngine.scanReflection() finds known secrets in every form but never the canary", () => {
  const text = `echo: ${btoa(SECRET)} ${SECRET} ${jsonEscaped(SECRET)} ${CANARY}`;
  const found = dlp.scanReflection(text, { location: "response body" });
  assert.deepEqual(found.map((f) => f.detector), [
    "known_secrets",
    "known_secrets",
    "known_secrets",
  ]);
  const redacted = dlp.redact(text, found);
  assert.ok(!redacted.includes(SECRET) && redacted.includes(CANARY), redacted);
  const streamed = streamAll(dlp.reflectionStream({ location: "response body" }), text, [9, 31]);
  assert.deepEqual(spans(streamed), spans(found));
});

Deno.test("DlpEngine decodes a malformed or truncated escape as the bytes it is", () => {
  for (const text of ["%", "%4", "%zz", "\\", "\\u12", "\\uzzzz", "\\ud83d", "\\ud83d\\u0041"]) {
    assert.deepEqual(dlp.scanOutbound(`${text}${SECRET}`, ON).map((f) => f.rule), [
      "known_secret",
    ], text);
    assert.deepEqual(streamAll(dlp.outboundStream(ON), text, [1]), [], text);
  }
});

Deno.test("DlpEngine sees an escape at any alignment and in chunks of any length", () => {
  const text = `ab${SECRET.slice(0, 5)}%${SECRET.charCodeAt(5).toString(16)}${SECRET.slice(6)}`;
  const expected = spans(dlp.scanOutbound(text, ON));
  assert.equal(expected.length, 1);
  for (let shift = 0; shift < 4; shift++) {
    const cuts = Array.from({ length: text.length }, (_, i) => i).filter((i) => i % 3 === shift);
    assert.deepEqual(spans(streamAll(dlp.outboundStream(ON), text, cuts)), expected, `${shift}`);
  }
});

Deno.test("DlpEngine decodes an escape split across chunks far from any other escape", () => {
  const filler = "f ".repeat(15 * 1024);
  const at = 10;
  const escaped = `${SECRET.slice(0, at)}%${SECRET.charCodeAt(at).toString(16)}${
    SECRET.slice(at + 1)
  }`;
  const text = `${filler}${escaped}`;
  const cut = filler.length + at + 2; // between "%6" and its last hex digit
  const found = streamAll(dlp.outboundStream(ON), text, [cut]);
  assert.deepEqual(spans(found), spans(dlp.scanOutbound(text, ON)));
  assert.equal(found.length, 1);
});

Deno.test("DlpEngine sees a secret whole when its escape comes after the decoded view was cut", () => {
  const escapedAt = 15;
  const escaped = `${SECRET.slice(0, escapedAt)}%${SECRET.charCodeAt(escapedAt).toString(16)}${
    SECRET.slice(escapedAt + 1)
  }`;
  // One early escape opens a stretch that ends 20 KiB later, inside the secret, before its
  // own escape: the next stretch must still see the secret's start.
  const lead = `%41 ${"g".repeat(20 * 1024 - 10)} `;
  const text = `${lead}${escaped}`;
  const cuts = [lead.length - 100, lead.length + escapedAt];
  const found = streamAll(dlp.outboundStream(ON), text, cuts);
  assert.equal(found.length, 1, spans(found).join(", "));
  assert.deepEqual(spans(found), spans(dlp.scanOutbound(text, ON)));
});

Deno.test("DlpEngine decodes escapes a chunk ends in the middle of, with other escapes before them in the chunk", () => {
  // A URL-encoded webhook URL: escapes every few bytes, so most chunks hold several and end
  // inside one (the decoder reads the chunk's escapes from one search of it).
  const token = "hrTXTV8_p3F8FyBlm_lwQqpvdHlJWfJ4esl90YI4snyLyffwoQyvy5NgVyIXNA2VMqBS";
  const url = `https://discord.com/api/webhooks/554266415381136101/${token}`;
  const text = `theme=dark; hook=${encodeURIComponent(url)}; lang=en`;
  const tokens = { detectors: ["token_patterns"] as const, location: "header:Cookie" };
  const once = dlp.scanOutbound(text, tokens);
  assert.deepEqual(once.map((f) => f.rule), ["discord_webhook"]);
  for (let size = 1; size <= 70; size++) {
    const cuts = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => i * size);
    assert.deepEqual(
      spans(streamAll(dlp.outboundStream(tokens), text, cuts)),
      spans(once),
      `chunks of ${size}`,
    );
  }
});
