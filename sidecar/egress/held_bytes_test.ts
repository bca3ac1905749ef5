import assert from "node:assert/strict";
import { HeldBytes } from "./_held_bytes.ts";

const text = (chunks: Uint8Array[]) => chunks.map((c) => new TextDecoder().decode(c)).join("");

Deno.test("HeldBytes releases bytes in order and keeps the rest addressable", () => {
  const held = new HeldBytes();
  held.push(new TextEncoder().encode("hello "));
  held.push(new TextEncoder().encode("world"));
  assert.equal(text(held.releaseUpTo(3)), "hel");
  assert.equal(held.offset, 3);
  assert.equal(held.text(6, 11), "world");
  assert.equal(held.overwrite(6, 8, 0x2a), true);
  assert.equal(text(held.drain()), "lo **rld");
  assert.equal(held.length, 0);
  assert.equal(held.overwrite(0, 2, 0x2a), false);
});

Deno.test("a small tail kept after a release does not pin the whole read it came from", () => {
  const held = new HeldBytes();
  const read = new Uint8Array(64 * 1024).fill(0x61);
  held.push(read);
  const sent = held.releaseUpTo(read.length - 100);
  assert.equal(sent.reduce((n, c) => n + c.length, 0), read.length - 100);
  const [tail] = held.drain();
  assert.equal(tail!.length, 100);
  assert.ok(
    tail!.buffer.byteLength < read.length / 2,
    "the tail is a copy, not a view of the read",
  );
  // The copy is what is held: redacting it does not touch the forwarded read.
  const again = new HeldBytes();
  again.push(read);
  again.releaseUpTo(read.length - 10);
  again.overwrite(read.length - 10, read.length, 0x2a);
  assert.equal(read[read.length - 1], 0x61);
  assert.equal(text(again.drain()), "*".repeat(10));
});

Deno.test("a large tail stays a view (no copy of most of a read)", () => {
  const held = new HeldBytes();
  const read = new Uint8Array(1000).fill(0x62);
  held.push(read);
  held.releaseUpTo(100);
  const [tail] = held.drain();
  assert.equal(tail!.length, 900);
  assert.equal(tail!.buffer, read.buffer);
});
