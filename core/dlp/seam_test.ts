import assert from "node:assert/strict";
import { bytesOf } from "./_testing.ts";
import { DlpEngine, SeamEnds, SeamWatch } from "./mod.ts";

const SECRET = "Qm7vX2kR9tL4wP8zN3cY6bJ1";
const CANARY = "bbcanary-5e1f0a9b3c7d2e4f6a8b0c1d2e3f4a5b";
const dlp = new DlpEngine({ knownSecrets: [SECRET], canary: CANARY });

Deno.test("SeamWatch finds a known secret split between two pieces, at every split point", () => {
  for (let cut = 1; cut < SECRET.length; cut++) {
    const watch = new SeamWatch(dlp, "body (split across requests)");
    assert.deepEqual(watch.check(`first=${SECRET.slice(0, cut)}`), []);
    watch.remember(`first=${SECRET.slice(0, cut)}`);
    const found = watch.check(`${SECRET.slice(cut)}&more=1`);
    assert.deepEqual(found.map((f) => [f.detector, f.location]), [
      ["known_secrets", "body (split across requests)"],
    ], `cut at ${cut}`);
  }
});

Deno.test("SeamWatch finds the canary's random part split, and nothing in clean pieces", () => {
  const random = CANARY.slice(9);
  const watch = new SeamWatch(dlp, "git");
  watch.remember(`x ${random.slice(0, 10)}`);
  assert.deepEqual(watch.check(random.slice(10)).map((f) => f.detector), ["canary"]);
  watch.remember("plain text ending here");
  assert.deepEqual(watch.check("and more plain text"), []);
  // A secret wholly inside one piece is that piece's own scan's business.
  watch.remember(`a ${SECRET}`);
  assert.deepEqual(watch.check("next"), []);
});

Deno.test("SeamWatch keeps a bounded tail and does nothing without known secrets", () => {
  const watch = new SeamWatch(dlp, "body");
  watch.remember(`${SECRET.slice(0, 12)}${"x".repeat(dlp.seamBytes)}`);
  assert.deepEqual(watch.check(SECRET.slice(12)), []);
  const none = new DlpEngine({ knownSecrets: [] });
  assert.equal(none.seamBytes, 0);
  const idle = new SeamWatch(none, "body");
  idle.remember("anything");
  assert.deepEqual(idle.check("anything"), []);
});

Deno.test("SeamWatch finds a known secret split over three short pieces in a row", () => {
  const watch = new SeamWatch(dlp, "url");
  const pieces = [SECRET.slice(0, 8), SECRET.slice(8, 16), SECRET.slice(16)];
  watch.remember(pieces[0]!);
  assert.deepEqual(watch.check(pieces[1]!), []);
  watch.remember(pieces[1]!);
  assert.deepEqual(watch.check(pieces[2]!).map((f) => f.detector), ["known_secrets"]);
});

Deno.test("SeamEnds keeps a piece's first and last bytes however it is chunked", () => {
  const text = `first-${"x".repeat(50)}\u00ff-middle-${"y".repeat(50)}-last\xe9`;
  for (const size of [1, 7, 40, text.length]) {
    const ends = new SeamEnds(20);
    for (let at = 0; at < text.length; at += size) ends.add(bytesOf(text.slice(at, at + size)));
    assert.equal(ends.head, text.slice(0, 20), `chunks of ${size}`);
    assert.equal(ends.tail, text.slice(-20), `chunks of ${size}`);
  }
  const none = new SeamEnds(0);
  none.add(bytesOf(text));
  assert.deepEqual([none.head, none.tail], ["", ""], "no known secret: nothing is kept");
});
