import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { PassThrough } from "node:stream";
import { ByteSource } from "./_byte_source.ts";
import { READ_AHEAD_FLOOR, READ_AHEAD_MARK, ReadAhead } from "./read_ahead.ts";

const KiB = 1024;

/** A socket stand-in that has `size` bytes to deliver, 4 KiB at a time, numbered by `seed`. */
function feeding(size: number, seed: number): PassThrough {
  const socket = new PassThrough();
  for (let at = 0; at < size; at += 4 * KiB) {
    socket.write(Buffer.alloc(4 * KiB, (seed + at) & 0xff));
  }
  socket.end();
  return socket;
}

/** Let the sockets deliver until every source paused or took everything. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

async function drain(source: ByteSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) {
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

Deno.test("readers sharing a ReadAhead queue one record each once the allowance is spent", async () => {
  const share = new ReadAhead(64 * KiB);
  const sockets = Array.from({ length: 8 }, (_, i) => feeding(256 * KiB, i));
  const sources = sockets.map((socket) => new ByteSource(socket, undefined, share));
  await settle();
  const queued = sources.map((source) => source.buffered);
  // The first two fit in the allowance at the full mark; every later one pauses at the floor.
  assert.deepEqual(queued, [
    READ_AHEAD_MARK,
    READ_AHEAD_MARK,
    ...Array(6).fill(READ_AHEAD_FLOOR),
  ]);
  assert.equal(share.queued, queued.reduce((a, b) => a + b));
  // Every byte still comes out, in order, and the share is even again at the end.
  const bodies = await Promise.all(sources.map(drain));
  bodies.forEach((body, i) => {
    assert.equal(body.length, 256 * KiB);
    assert.equal(body[0], i & 0xff);
    assert.equal(body[body.length - 1], (i + 252 * KiB) & 0xff);
  });
  assert.equal(share.queued, 0);
});

Deno.test("a reader with its own allowance queues the full mark, as alone", async () => {
  const sources = [feeding(256 * KiB, 0), feeding(256 * KiB, 1)].map((socket) =>
    new ByteSource(socket)
  );
  await settle();
  assert.deepEqual(sources.map((source) => source.buffered), [READ_AHEAD_MARK, READ_AHEAD_MARK]);
  await Promise.all(sources.map(drain));
});

Deno.test("a closed socket's queue and a detached reader's leave the share", async () => {
  const share = new ReadAhead(32 * KiB);
  const reset = feeding(256 * KiB, 0);
  const first = new ByteSource(reset, undefined, share);
  await settle();
  assert.equal(first.buffered, READ_AHEAD_MARK);
  // The peer resets the connection with bytes still queued: they are no longer counted (had they
  // stayed, the next reader would find the allowance spent and stop at the floor).
  reset.destroy();
  await settle();
  assert.equal(share.queued, 0);
  const second = new ByteSource(feeding(256 * KiB, 1), undefined, share);
  await settle();
  assert.equal(second.buffered, READ_AHEAD_MARK);
  // What the reset connection queued can still be read, and reading it counts nothing back.
  assert.equal((await drain(first)).length, READ_AHEAD_MARK);
  assert.equal(share.queued, READ_AHEAD_MARK);
  const { buffered } = second.detach();
  assert.equal(buffered.length, READ_AHEAD_MARK);
  assert.equal(share.queued, 0);
});
