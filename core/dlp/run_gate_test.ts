import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Base32Decoder, Base64Decoder, HexDecoder } from "./_run_decoders.ts";
import {
  base32Gate,
  base64Gate,
  hexGate,
  isBad,
  mayPass,
  MIN_DECODED,
  PROBE,
} from "./_run_gate.ts";
import { ALPHABET_RUNS, certainlyDead } from "./_run_kinds.ts";
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

Deno.test("base64Gate(), base32Gate() and hexGate() answer as mayPass() does, from every start", () => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_=.";
  const hexish = "0123456789abcdefABCDEF:,- \\xX";
  const samples: Uint8Array[] = [];
  for (let i = 0; i < 40; i++) {
    const random = crypto.getRandomValues(new Uint8Array(1 + (i % 40)));
    samples.push(bytes(Buffer.from(random).toString("base64")));
    samples.push(
      bytes(Buffer.from(`say ${i} words, secret=${"k".repeat(i % 9)}`).toString("base64")),
    );
    samples.push(bytes(base32(`text ${i} in base32, ${"y".repeat(i % 7)}`)));
    samples.push(random.map((b) => alphabet.charCodeAt(b % alphabet.length)));
    samples.push(random.map((b) => hexish.charCodeAt(b % hexish.length)));
    const text = Buffer.from(`hex ${i} text, token=${"h".repeat(i % 5)}`);
    const hex = [...text].map((b) => b.toString(16).padStart(2, "0"));
    samples.push(bytes([hex.join(""), hex.join(":"), hex.map((h) => `0x${h}`).join(", ")][i % 3]!));
    samples.push(bytes(hex.map((h) => `\\x${h}`).join("")));
  }
  // `_` and `-` (URL-safe 63 and 62) first in a group and inside one.
  samples.push(bytes("c_Hb1g3f+v_A_B_C_D_9_z"));
  const gates = [
    { gate: base64Gate, make: () => new Base64Decoder() },
    { gate: base32Gate, make: () => new Base32Decoder() },
    { gate: hexGate, make: () => new HexDecoder() },
  ];
  let accepted = 0;
  for (const chars of samples) {
    for (const { gate, make } of gates) {
      for (let from = 0; from <= Math.min(chars.length, 24); from++) {
        // A probe reads at most PROBE decoded bytes: 64 characters cover every format's probe.
        for (let to = from; to <= Math.min(chars.length, from + 64); to++) {
          for (const ended of [false, true]) {
            const expected = mayPass(make, chars, from, to, ended);
            if (expected) accepted++;
            assert.equal(gate(chars, from, to, ended), expected, `${chars} ${from} ${to} ${ended}`);
          }
        }
      }
    }
  }
  assert.ok(accepted > 1000, "the samples hold tries that pass");
});

/** RFC 4648 base32 of ASCII text, without padding. */
function base32(text: string): string {
  const digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let have = 0;
  let out = "";
  for (const byte of bytes(text)) {
    bits = (bits << 8) | byte;
    have += 8;
    while (have >= 5) {
      have -= 5;
      out += digits[(bits >>> have) & 31];
    }
    bits &= (1 << have) - 1;
  }
  return have > 0 ? out + digits[(bits << (5 - have)) & 31] : out;
}

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

Deno.test("certainlyDead() settles a run at the end of the input, line breaks after it or not", () => {
  const NONE = new Uint32Array(0);
  for (const after of ["\n", "\r\n", "\n\n", ""]) {
    // 63 × "x" is base64 of bytes no reader takes for text, and not base32 at all.
    const run = bytes(`${"x".repeat(63)}${after}`);
    const at = { from: 0, end: 63, words: NONE, lead: 0 };
    assert.equal(certainlyDead(ALPHABET_RUNS, run, { ...at, closed: true }), true, `${after}`);
    // Not the input's end: a line break may be followed by the run's next line.
    const open = certainlyDead(ALPHABET_RUNS, run, { ...at, closed: false });
    assert.equal(open, after === "", JSON.stringify(after));
  }
  // A run that decodes to text is never settled as dead, closed or not.
  const text = bytes(
    `${Buffer.from("a line of plain words, base64 encoded").toString("base64")}\n`,
  );
  const whole = { from: 0, end: text.length - 1, words: NONE, lead: 0, closed: true };
  assert.equal(certainlyDead(ALPHABET_RUNS, text, whole), false);
});

Deno.test("a base64-wrapped token on a body's last line is found, a line break after it or not", () => {
  const dlp = new DlpEngine({ knownSecrets: [] });
  const token = ["ghp", "R8x2Kq9LmT4vW7yZ1aB3cD5eF6gH0jN2pQ4s"].join("_");
  const encoded = Buffer.from(`{"token":"${token}"}`).toString("base64");
  for (const end of ["", "\n", "\r\n"]) {
    const text = `${"x".repeat(63)}\nfirst line\n${encoded}${end}`;
    const found = dlp.scanOutbound(text, { detectors: ["token_patterns"], location: "body" });
    assert.equal(found.length, 1, JSON.stringify(end));
    assert.match(found[0]!.snippet, /after base64 decoding/);
  }
});

Deno.test("Base64Decoder decodes both alphabets to the bytes Node does, for every byte value", () => {
  const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  for (const encoded of [all.toString("base64"), all.toString("base64url")]) {
    const decoded: number[] = [];
    const sink = { emit: (byte: number) => decoded.push(byte) };
    const decoder = new Base64Decoder();
    const chars = bytes(encoded.replace(/=+$/, ""));
    chars.forEach((c, at) => assert.ok(decoder.push(c, at, sink), encoded[at]));
    decoder.flush(sink);
    assert.deepEqual(decoded, [...all], encoded);
  }
});
