import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { bytesOf, spans } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

// The longest token rules (a JWT up to 18 KB, a private key up to 16 KB) seen only after escape
// decoding, with the escape far from one end: the decoded view must hold the whole match, and
// no byte of it may be released before the finding, wherever the stream is cut.

const dlp = new DlpEngine({ knownSecrets: [] });
const ON = { detectors: ["token_patterns"] as const, location: "body" };
const b64url = (s: string) => Buffer.from(s, "latin1").toString("base64url");

/** A deterministic filler of base64 characters, so a failure reproduces. */
function body(length: number, seed: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  let s = seed;
  let out = "";
  while (out.length < length) {
    s = (s * 1103515245 + 12345) >>> 0;
    out += alphabet[s % alphabet.length];
  }
  return out;
}

/** A 15 KB JWT whose payload has one `%XX`-escaped character 14 KB from its start. */
function escapedJwt(): { text: string; start: number; end: number } {
  const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${
    b64url(`{"sub":"u1","blob":"${body(10_500, 3)}"}`)
  }.${body(43, 4)}`;
  const at = 14_000;
  const escaped = `${jwt.slice(0, at)}%${jwt.charCodeAt(at).toString(16)}${jwt.slice(at + 1)}`;
  const head = `GET /cb?note=${"plain words ".repeat(200)}&id_token=`;
  return {
    text: `${head}${escaped}&state=ok`,
    start: head.length,
    end: head.length + escaped.length,
  };
}

/** A 13 KB PEM key whose only escapes are the `%20`s of its first line. */
function escapedKey(): { text: string; start: number; end: number } {
  const lines = body(13_000, 5).match(/.{1,64}/g)!.join("\n");
  const pem = `-----BEGIN%20RSA%20PRIVATE%20KEY-----\n${lines}\n-----END RSA PRIVATE KEY-----`;
  const head = `upload: ${"plain words ".repeat(200)}key=`;
  return { text: `${head}${pem}\nthe end`, start: head.length, end: head.length + pem.length };
}

/** Cuts near each end of the match and near the escape, one byte apart, and every 97 between. */
function cutsAround(text: string, points: number[]): number[] {
  const cuts = new Set<number>();
  for (const p of points) for (let d = -40; d <= 40; d++) cuts.add(p + d);
  for (let at = 1; at < text.length; at += 97) cuts.add(at);
  return [...cuts].filter((c) => c > 0 && c < text.length).sort((a, b) => a - b);
}

function checkEveryCut(
  { text, start, end }: { text: string; start: number; end: number },
  rule: string,
  points: number[],
): void {
  const once = dlp.scanOutbound(text, ON);
  assert.deepEqual(spans(once), [`token_patterns/${rule}@${start}-${end}`]);
  assert.match(once[0]!.snippet, /after decoding escapes/);
  const bytes = bytesOf(text);
  for (const cut of cutsAround(text, points)) {
    const stream = dlp.outboundStream(ON);
    const first = stream.push(bytes.subarray(0, cut));
    // Until the finding is out, nothing from the match's first byte on may be released.
    if (first.length === 0) assert.ok(stream.settled <= start, `cut ${cut}: ${stream.settled}`);
    const all = [...first, ...stream.push(bytes.subarray(cut)), ...stream.end()];
    assert.deepEqual(spans(all), spans(once), `cut ${cut}`);
  }
}

Deno.test("a 15 KB JWT with one escape 14 KB in is found whole, and held, at every cut", () => {
  const jwt = escapedJwt();
  checkEveryCut(jwt, "jwt", [jwt.start, jwt.start + 14_000, jwt.end]);
});

Deno.test("a 13 KB private key escaped only on its first line is found whole, and held, at every cut", () => {
  const key = escapedKey();
  checkEveryCut(key, "private_key", [key.start, key.start + 20, key.end]);
});

Deno.test("the long matches are found whole when fed one small chunk at a time", () => {
  for (
    const [{ text, start, end }, rule] of [[escapedJwt(), "jwt"], [
      escapedKey(),
      "private_key",
    ]] as const
  ) {
    const stream = dlp.outboundStream(ON);
    const bytes = bytesOf(text);
    const found = [];
    for (let at = 0; at < bytes.length; at += 13) {
      found.push(...stream.push(bytes.subarray(at, at + 13)));
    }
    found.push(...stream.end());
    assert.deepEqual(spans(found), [`token_patterns/${rule}@${start}-${end}`]);
  }
});
