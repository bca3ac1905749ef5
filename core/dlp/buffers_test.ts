import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { bytesOf, spans } from "./_testing.ts";
import { defaultDetectors, DlpEngine, type Finding } from "./mod.ts";

// The streams of one engine lend each other their window and escape-context buffers as each
// ends (the proxy scans many bodies at once): a buffer is never read by two streams at a time.

const dlp = new DlpEngine({ knownSecrets: [], canary: "bbcanary-Zq8Wm3Kx7Rt2Yp5Ln9Vd4Hs6" });
const OUT = { detectors: defaultDetectors("outbound"), location: "body" };
const TOKEN = `ghp_${"Zk8Qw2Rt6Yp1Lm4Nb7Vc3Xs9Hd5Jf0Ga2Ke4u"}`;
const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");

/** Bodies that open and close escape stretches and decoded runs, some long enough to grow. */
function bodies(): string[] {
  const words = "plain words, numbers 12 34 and identifiers abcDEF123456 ".repeat(900);
  const escaped = `${TOKEN.slice(0, 9)}\\u00${TOKEN.charCodeAt(9).toString(16)}${TOKEN.slice(10)}`;
  return [
    `{"a":"one\\ntwo","k":"${escaped}","w":"${words}"}`,
    `${words}data=${b64(`key: ${TOKEN}`)}&${words}`,
    `q=${encodeURIComponent(`x ${TOKEN} y`)}&${
      words.slice(0, 3000)
    }&c=bbcanary-Zq8Wm3Kx7Rt2Yp5Ln9Vd4Hs6`,
    `{"note":"caf\\u00e9","x":"${words}","y":"${b64(`again ${TOKEN}`)}\\n"}`,
    words.slice(0, 500),
  ];
}

function alone(text: string): Finding[] {
  const stream = dlp.outboundStream(OUT);
  return [...stream.push(bytesOf(text)), ...stream.end()];
}

Deno.test("streams of one engine scanned at once, chunks interleaved, find what each finds alone", () => {
  const texts = bodies();
  const expected = texts.map((t) => spans(alone(t)).sort());
  assert.ok(expected.every((e, k) => k === 4 || e.length > 0), JSON.stringify(expected));
  for (const size of [7, 1000, 4096, 70_000]) {
    // Each round opens the streams anew, so buffers given back by the last round are lent out.
    const streams = texts.map(() => dlp.outboundStream(OUT));
    const found: Finding[][] = texts.map(() => []);
    const bytes = texts.map(bytesOf);
    const at = texts.map(() => 0);
    for (let live = true; live;) {
      live = false;
      bytes.forEach((b, k) => {
        if (at[k]! > b.length) return;
        // Uneven pieces: each stream grows and ends its stretches at different moments.
        const step = size + 13 * k;
        if (at[k]! === b.length) found[k]!.push(...streams[k]!.end());
        else found[k]!.push(...streams[k]!.push(b.slice(at[k]!, at[k]! + step)));
        at[k] = at[k]! === b.length ? b.length + 1 : Math.min(b.length, at[k]! + step);
        live = true;
      });
    }
    found.forEach((f, k) =>
      assert.deepEqual(spans(f).sort(), expected[k], `size ${size}, body ${k}`)
    );
  }
});
