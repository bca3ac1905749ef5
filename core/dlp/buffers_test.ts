import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { bytesOf, spans } from "./_testing.ts";
import { Buffers, type TakeOptions } from "./_buffers.ts";
import { ALPHABET_RUNS } from "./_run_kinds.ts";
import { RunView } from "./_run_view.ts";
import { PassStream } from "./_stream.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";
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

Deno.test("a buffer taken is the shortest spare long enough, never one longer than asked to take", () => {
  const buffers = new Buffers();
  const big = new Uint8Array(96 * 1024);
  const mid = new Uint8Array(24 * 1024);
  buffers.give(big);
  buffers.give(mid);
  // A context that stays with an open stream: the window-sized spare is not pinned by it.
  const context = buffers.take(20 * 1024, { most: 20 * 1024 });
  assert.equal(context.length, 20 * 1024);
  assert.notEqual(context.buffer, big.buffer);
  assert.notEqual(context.buffer, mid.buffer);
  // A window: the shortest that fits, so the big one stays for a big window.
  assert.equal(buffers.take(10 * 1024), mid);
  assert.equal(buffers.take(10 * 1024, { most: 64 * 1024 }).length, 10 * 1024);
  assert.equal(buffers.take(50 * 1024), big);
});

Deno.test("streams interleaved with long pauses between pushes find what each finds alone", () => {
  // Each push lends the window buffers out: a stream that holds an undecided match across a
  // pause must still see its bytes when the next push comes after others used the spares.
  const secret = `data=${b64(`key: ${TOKEN}`)}`;
  const text = `${"lorem ipsum ".repeat(2000)}${secret}${"dolor sit amet ".repeat(2000)}`;
  const expected = spans(alone(text));
  assert.ok(expected.length > 0);
  const bytes = bytesOf(text);
  for (const split of [24_000, 24_000 + 30, 24_000 + secret.length - 3]) {
    const streams = [0, 1, 2].map(() => dlp.outboundStream(OUT));
    const found: Finding[][] = streams.map(() => []);
    streams.forEach((s, k) => found[k]!.push(...s.push(bytes.slice(0, split))));
    // Others push big unrelated chunks in between, through the same spares.
    const other = dlp.outboundStream(OUT);
    other.push(bytesOf("x".repeat(200_000)));
    other.end();
    streams.forEach((s, k) => found[k]!.push(...s.push(bytes.slice(split)), ...s.end()));
    found.forEach((f) => assert.deepEqual(spans(f), expected, `split at ${split}`));
  }
});

Deno.test("short spares are kept beside window-sized ones, a few of each size", () => {
  const buffers = new Buffers();
  // Many window-sized buffers given back first: they must not crowd out a short context.
  const windows = Array.from({ length: 12 }, (_, k) => new Uint8Array(80 * 1024 + 8 + 8 * k));
  for (const w of windows) buffers.give(w);
  const context = new Uint8Array(1024);
  buffers.give(context);
  assert.equal(buffers.take(700, { most: 2 * 700 }), context, "the short one is lent again");
  // Of the window-sized ones only a few were kept: the rest were left to the collector.
  const kept = windows.filter(() =>
    buffers.take(80 * 1024, { most: 128 * 1024 }).length > 80 * 1024
  );
  assert.equal(kept.length, 2);
  // Never longer than asked to take, never shorter than asked for.
  assert.equal(buffers.take(700, { most: 2 * 700 }).length, 700);
  buffers.give(new Uint8Array(600));
  assert.equal(buffers.take(700, { most: 2 * 700 }).length, 700, "a spare too short is not lent");
});

Deno.test("a growing buffer takes any spare that holds what it needs, and a new one gets room to grow", () => {
  const buffers = new Buffers();
  // A stream's window grows by the few bytes its tail differs each push: the spare it gave back
  // last push is a little shorter than the room it asks for, yet holds the bytes it needs.
  const window = new Uint8Array(25_512);
  buffers.give(window);
  assert.equal(buffers.take(17_012, { fresh: 25_518 }), window, "the spare is lent again");
  const fresh = buffers.take(17_012, { fresh: 25_518 });
  assert.notEqual(fresh, window);
  assert.equal(fresh.length, 25_518, "a new buffer has the room asked for");
  assert.equal(buffers.take(300).length, 300, "without room asked for, exactly what is needed");
});

Deno.test("a long stream pushed a TLS record at a time takes its window from the spares again", () => {
  // Each push's window is the tail the pass keeps (a few bytes more or less each time) and the
  // chunk: the window lent out after one push must serve the next.
  let fresh = 0;
  const buffers = new (class extends Buffers {
    readonly given = new Set<Uint8Array>();
    override take(length: number, options?: TakeOptions): Uint8Array {
      const buffer = super.take(length, options);
      if (buffer.length > 16 * 1024 && !this.given.has(buffer)) fresh++;
      return buffer;
    }
    override give(buffer: Uint8Array): void {
      this.given.add(buffer);
      super.give(buffer);
    }
  })();
  let end = 0;
  const pass: ScanPass = {
    scan: (win: ScanWindow) => void (end = win.end),
    keepFrom: () => end - 700 - (end % 13),
  };
  const stream = new PassStream([pass], buffers);
  for (let k = 0; k < 100; k++) stream.push(new Uint8Array(16 * 1024 + (k % 5)));
  stream.end();
  assert.ok(fresh <= 2, `${fresh} new windows for 100 pushes`);
});

Deno.test("a small size keeps many spares: a body's escapes hold several tails and contexts at once", () => {
  const buffers = new Buffers();
  // The run views of each layer keep a 36-byte tail at once; all come back when the body ends.
  const tails = Array.from({ length: 16 }, () => new Uint8Array(36));
  for (const tail of tails) buffers.give(tail);
  const lent = tails.map(() => buffers.take(36, { most: 72 }));
  assert.equal(tails.filter((t) => lent.includes(t)).length, 16, "every tail is lent again");
  // Big buffers still stay two of a size: the other two are left to the collector.
  const given = [0, 1, 2, 3].map(() => new Uint8Array(200 * 1024));
  for (const b of given) buffers.give(b);
  const big = given.map(() => buffers.take(200 * 1024, { most: 256 * 1024 }));
  assert.equal(given.filter((b) => big.includes(b)).length, 2);
});

Deno.test("one-shot scans between a stream's pushes, through the same spares, change nothing it finds", () => {
  const texts = bodies();
  const expected = texts.map((t) => spans(alone(t)).sort());
  const headers = [
    `x-a: ${TOKEN}`,
    `q=${encodeURIComponent(`x ${TOKEN} y`)}&${"w".repeat(300)}`,
    `{"k":"${b64(`key: ${TOKEN}`)}\\n"}`,
  ];
  const once = headers.map((h) => spans(dlp.scanOutbound(h, OUT)));
  assert.ok(once.every((f) => f.length > 0), JSON.stringify(once));
  texts.forEach((text, k) => {
    const stream = dlp.outboundStream(OUT);
    const bytes = bytesOf(text);
    const found: Finding[] = [];
    for (let at = 0; at < bytes.length; at += 997) {
      found.push(...stream.push(bytes.slice(at, at + 997)));
      // Each one-shot scan takes a spare for its bytes and its views, and gives them back.
      headers.forEach((h, j) => assert.deepEqual(spans(dlp.scanOutbound(h, OUT)), once[j]));
    }
    found.push(...stream.end());
    assert.deepEqual(spans(found).sort(), expected[k], `body ${k}`);
  });
});

/** Spares that refuse a buffer given back twice without being taken in between. */
class StrictBuffers extends Buffers {
  readonly #given = new Set<Uint8Array>();

  override take(length: number, options?: TakeOptions): Uint8Array {
    const buffer = super.take(length, options);
    this.#given.delete(buffer);
    return buffer;
  }

  override give(buffer: Uint8Array): void {
    assert.ok(!this.#given.has(buffer), `a buffer of ${buffer.length} bytes given back twice`);
    this.#given.add(buffer);
    super.give(buffer);
  }
}

Deno.test("a run view never gives back a decoded batch it still keeps for its next run", () => {
  // A short run leaves its batch with the view; the long one after it takes that batch over and
  // outgrows it (giving it back), and ends too long to be kept; a third run goes live after.
  const text = (n: number) => "plain words for a decoded run ".repeat(n);
  const body = [b64(text(2)), b64(text(200)), b64(text(2))].join(" ; ");
  const buffers = new StrictBuffers();
  const view = new RunView(ALPHABET_RUNS, {
    passes: () => [],
    views: () => [],
    depth: 1,
    buffers,
  });
  view.push(bytesOf(body), 0, false);
  view.push(new Uint8Array(0), body.length, true);
});
