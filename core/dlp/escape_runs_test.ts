import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { EscapeDecoder } from "./_escape_decoder.ts";
import { spans, streamAll } from "./_testing.ts";
import { DlpEngine } from "./mod.ts";

// Runs inside an escape-decoded stretch that no escape touched are left to the raw layer's views;
// the ones an escape cuts, joins or borders are still read after escape decoding.

const TOKEN = `ghp_${"Zk8Qw2Rt6Yp1Lm4Nb7Vc3Xs9Hd5Jf0Ga2Ke4u"}`;
const dlp = new DlpEngine({ knownSecrets: [] });
const ON = { detectors: ["token_patterns"] as const, location: "body" };
const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");

/** Base64 of a sentence holding the token, one character in the token's middle `\u`-escaped. */
function escapedInside(): string {
  const encoded = b64(`some words, then ${TOKEN} and the end`);
  const middle = Math.floor(encoded.length / 2);
  const unicode = `\\u00${encoded.charCodeAt(middle).toString(16)}`;
  return encoded.slice(0, middle) + unicode + encoded.slice(middle + 1);
}

function cutsOf(text: string): number[][] {
  return [[], [1], [Math.floor(text.length / 2)], [text.length - 1], [7, 40, 90]];
}

Deno.test("a base64 token beside JSON escapes is reported once, by the raw layer, at every cut", () => {
  const blob = b64(`secret: ${TOKEN}`);
  const text = `{"note":"line one\\nline \\"two\\"","blob":"${blob}","tail":"caf\\u00e9\\t!"}`;
  const once = dlp.scanOutbound(text, ON);
  assert.equal(once.length, 1, spans(once).join());
  const at = text.indexOf(blob);
  assert.ok(once[0]!.start >= at && once[0]!.end <= at + blob.length, spans(once).join());
  assert.match(once[0]!.snippet, /, after base64 decoding$/);
  for (const cuts of cutsOf(text)) {
    const streamed = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.deepEqual(spans(streamed), spans(once), `cuts ${cuts}`);
    assert.equal(streamed[0]!.snippet, once[0]!.snippet, `cuts ${cuts}`);
  }
});

Deno.test("a base64 run that a JSON escape cuts is still read after escape decoding", () => {
  const text = `{"a":"x","data":"${escapedInside()}","b":1}`;
  for (const cuts of cutsOf(text)) {
    const found = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.equal(found.length, 1, `cuts ${cuts}: ${spans(found)}`);
    assert.match(found[0]!.snippet, /decoding escapes, then base64 decoding/);
    const redacted = dlp.redact(text, found);
    assert.deepEqual(dlp.scanOutbound(redacted, ON), [], redacted);
  }
});

Deno.test("base64 wrapped with JSON \\n escapes is joined and read after escape decoding", () => {
  const wrapped = b64(`config with ${TOKEN} inside, and more words after it`)
    .replace(/.{32}/g, "$&\\n");
  const text = `{"pem":"${wrapped}"}`;
  for (const cuts of cutsOf(text)) {
    const found = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.equal(found.length, 1, `cuts ${cuts}: ${spans(found)}`);
    assert.match(found[0]!.snippet, /decoding escapes, then base64 decoding/);
  }
});

Deno.test("a base64 run that starts right after an escape is read after escape decoding", () => {
  // `\u0041` decodes to a base64 character, so the decoded run starts one character earlier.
  const encoded = b64(`xx ${TOKEN} yy`);
  const text = `{"d":"\\u00${encoded.charCodeAt(0).toString(16)}${encoded.slice(1)}"}`;
  const found = dlp.scanOutbound(text, ON);
  assert.equal(found.length, 1, spans(found).join());
  assert.match(found[0]!.snippet, /decoding escapes, then base64 decoding/);
});

Deno.test("escapes far apart in one chunk are each read, with their margins, at every cut", () => {
  // Each token is split by an escape, so only the escape layer sees it; 60 KB of plain text
  // between them is more than two margins, so they are read as two stretches.
  const first = `${TOKEN.slice(0, 10)}%${TOKEN.charCodeAt(10).toString(16)}${TOKEN.slice(11)}`;
  const second = `${TOKEN.slice(0, 20)}\\u00${TOKEN.charCodeAt(20).toString(16)}${TOKEN.slice(21)}`;
  const filler = "plain words and numbers 12 34, ".repeat(2000);
  const text = `a=${first}&b=${filler}&c="${second}"&d=${filler}`;
  const once = dlp.scanOutbound(text, ON);
  assert.deepEqual(
    once.map((f) => [f.rule, f.start]),
    [["github_pat", text.indexOf(first)], ["github_pat", text.indexOf(second)]],
  );
  for (const cuts of [[], [70_000], [text.indexOf(second) + 3], [30_000, 65_536, 100_000]]) {
    const streamed = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.deepEqual(spans(streamed), spans(once), `cuts ${cuts}`);
  }
});

Deno.test("inside a stretch, `100%` and `C:\\Windows` do not hide a token whose escape a cut splits", () => {
  // The stretch opened by `\n` reads on only while escapes that decode follow: the lone `%` and
  // `\W` decode nothing, and the token's own `%XX` (cut in two by the chunking) keeps it open.
  const escaped = `${TOKEN.slice(0, 12)}%${TOKEN.charCodeAt(12).toString(16)}${TOKEN.slice(13)}`;
  const head = `{"a":"one\\ntwo","p":"C:\\Windows at 100% ","k":"`;
  const text = `${head}${escaped}"} and 100% more`;
  const at = head.length + 12;
  const once = dlp.scanOutbound(text, ON);
  assert.deepEqual(once.map((f) => [f.rule, f.start]), [["github_pat", head.length]]);
  assert.match(once[0]!.snippet, /, after decoding escapes$/);
  for (const cuts of [[12], [12, at], [12, at + 1], [12, at + 2], [head.length - 5, at + 1]]) {
    const streamed = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.deepEqual(spans(streamed), spans(once), `cuts ${cuts}`);
  }
});

Deno.test("deep in a stretch, runs no escape touched are passed over, and escaped ones read, at every cut", () => {
  // The escape at the start opens a stretch; kilobytes of identifiers, base64, wrapped lines and
  // hex (left to the raw layer) come before the runs an escape cuts or starts.
  const plain = [
    `"id":"${"a1B2c3D4e5F6g7H8i9J0".repeat(3)}"`,
    `"blob":"${b64("nothing to see in this harmless sentence, really")}"`,
    `"pem":"${b64("wrapped lines of harmless text here ".repeat(3)).replace(/.{40}/g, "$&\n")}"`,
    `"hex":"${"00ff".repeat(20)}"`,
  ].join(",").repeat(40);
  const cut = escapedInside();
  const encoded = b64(`xx ${TOKEN} yy`);
  const started = `\\u00${encoded.charCodeAt(0).toString(16)}${encoded.slice(1)}`;
  const text = `{"note":"one\\ntwo",${plain},"c":"${cut}",${plain},"e":"${started}",${plain}}`;
  const once = dlp.scanOutbound(text, ON);
  assert.equal(once.length, 2, spans(once).join());
  for (const f of once) assert.match(f.snippet, /decoding escapes, then base64 decoding/);
  const starts = [text.indexOf(cut), text.indexOf(started)];
  const cuts = [[], ...starts.flatMap((s) => [[s - 1], [s], [s + 1], [s + 30], [s - 2, s + 2]])];
  for (const at of cuts) {
    assert.deepEqual(spans(streamAll(dlp.outboundStream(ON), text, at)), spans(once), `cuts ${at}`);
  }
});

Deno.test("a stretch opening after `100%` or after clean text reads the token its escape splits, at every cut", () => {
  // The context before the first escape is clean, or ends in a lone `%` the stretch's decoding
  // must read again (`100%%67` is `100%g`): either way the token is found where it is written.
  const escaped = `%${TOKEN.charCodeAt(0).toString(16)}${TOKEN.slice(1)}`;
  const filler = "plain words and numbers 12 34, ".repeat(200);
  for (const before of [`${filler}at `, `${filler}at 100%`, `${filler}C:\\Windows at 100% `]) {
    const text = `${before}${escaped} and the end`;
    const expected = [`token_patterns/github_pat@${before.length}-${text.indexOf(" and the end")}`];
    assert.deepEqual(spans(dlp.scanOutbound(text, ON)), expected, before.slice(-12));
    for (const cuts of [[], [before.length], [before.length - 1], [before.length + 1], [100]]) {
      const streamed = streamAll(dlp.outboundStream(ON), text, cuts);
      assert.deepEqual(spans(streamed), expected, `${before.slice(-12)}, cuts ${cuts}`);
    }
  }
});

Deno.test("a token after thousands of escapes in one stretch maps back onto exactly its raw bytes", () => {
  // The shortest token the rule takes, its last character escaped: only the escape layer sees
  // it, and the finding ends where that escape does.
  const token = TOKEN.slice(0, 40);
  const escaped = `${token.slice(0, 39)}\\u00${token.charCodeAt(39).toString(16)}`;
  const text = `{"log":"${"a line\\n".repeat(3000)}key ${escaped}\\n${"more\\n".repeat(500)}"}`;
  const start = text.indexOf(escaped);
  const expected = [`token_patterns/github_pat@${start}-${start + escaped.length}`];
  assert.deepEqual(spans(dlp.scanOutbound(text, ON)), expected);
  for (const cuts of [[], [start], [start + 12], [4096, 8192, 16384]]) {
    const streamed = streamAll(dlp.outboundStream(ON), text, cuts);
    assert.deepEqual(spans(streamed), expected, `cuts ${cuts}`);
    assert.deepEqual(dlp.scanOutbound(dlp.redact(text, streamed), ON), []);
  }
});

Deno.test("an escape split across chunks decodes from the bytes pushed, even if the caller reuses the chunk's memory", () => {
  const decoder = new EscapeDecoder(0);
  const chunk = Buffer.from("key=%4");
  const first = new TextDecoder().decode(decoder.push(chunk));
  chunk.fill(0x7a);
  const rest = new TextDecoder().decode(decoder.push(Buffer.from("1B"), true));
  assert.equal(first + rest, "key=AB");
});
