import assert from "node:assert/strict";
import { LARGE_BODY_BYTES, type Pace, Transfers } from "./_transfers.ts";

/** A body whose chunks the test hands out one by one. */
class Feed implements AsyncIterable<Uint8Array> {
  #chunks: (Uint8Array | null)[] = [];
  #wake: (() => void) | undefined;

  push(chunk: Uint8Array | null): void {
    this.#chunks.push(chunk);
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    while (true) {
      while (this.#chunks.length === 0) await new Promise<void>((r) => (this.#wake = r));
      const chunk = this.#chunks.shift()!;
      if (chunk === null) return;
      yield chunk;
    }
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether `promise` settles within a few turns of the event loop. */
async function settles(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(() => (done = true), () => (done = true));
  for (let i = 0; i < 5; i++) await tick();
  return done;
}

/** A large body's pace that already holds a slot, reading from `feed`. */
async function holding(transfers: Transfers, feed: Feed): Promise<{
  pace: Pace;
  reader: AsyncIterator<Uint8Array>;
}> {
  const pace = transfers.pace(true);
  await pace.start();
  return { pace, reader: pace.chunks(feed)[Symbol.asyncIterator]() };
}

Deno.test("a large body waits for a free slot, and gets it when the holder ends", async () => {
  const transfers = new Transfers({ slots: 1 });
  const first = transfers.pace(true);
  await first.start();
  const second = transfers.pace(true);
  const started = second.start();
  assert.equal(await settles(started), false, "no second slot");
  assert.equal(transfers.waiting, 1);
  first.end();
  assert.equal(await settles(started), true, "the slot passed on");
  assert.equal(transfers.waiting, 0);
  second.end();
  // Ending twice gives back nothing twice: one slot still means one at a time.
  second.end();
  const third = transfers.pace(true);
  await third.start();
  assert.equal(await settles(transfers.pace(true).start()), false);
});

Deno.test("small bodies never wait, even with every slot taken", async () => {
  const transfers = new Transfers({ slots: 1 });
  const big = transfers.pace(true);
  await big.start();
  const feed = new Feed();
  const small = transfers.pace(false);
  const chunks = small.chunks(feed)[Symbol.asyncIterator]();
  feed.push(new Uint8Array(1000));
  assert.equal((await chunks.next()).value?.length, 1000);
  feed.push(null);
  assert.equal((await chunks.next()).done, true);
  assert.equal(transfers.waiting, 0);
});

Deno.test("a body of unknown length waits for a slot once it has read LARGE_BODY_BYTES", async () => {
  const transfers = new Transfers({ slots: 1 });
  const big = transfers.pace(true);
  await big.start();
  const feed = new Feed();
  const chunks = transfers.pace(false).chunks(feed)[Symbol.asyncIterator]();
  feed.push(new Uint8Array(LARGE_BODY_BYTES - 1));
  await chunks.next();
  feed.push(new Uint8Array(1));
  await chunks.next();
  // Now it is large: the next read waits its turn, and nothing is read meanwhile.
  feed.push(new Uint8Array(7));
  const next = chunks.next();
  assert.equal(await settles(next), false);
  assert.equal(transfers.waiting, 1);
  big.end();
  assert.equal((await next).value?.length, 7);
});

Deno.test("waiters get slots in the order they asked", async () => {
  const transfers = new Transfers({ slots: 1 });
  const holder = transfers.pace(true);
  await holder.start();
  const order: number[] = [];
  const paces = [1, 2, 3].map((n) => {
    const pace = transfers.pace(true);
    void pace.start().then(() => order.push(n));
    return pace;
  });
  await tick();
  holder.end();
  for (const pace of paces) {
    await tick();
    pace.end();
  }
  await tick();
  assert.deepEqual(order, [1, 2, 3]);
});

Deno.test("a waiter that ends leaves the line, and the slot goes to the next", async () => {
  const transfers = new Transfers({ slots: 1 });
  const holder = transfers.pace(true);
  await holder.start();
  const gone = transfers.pace(true);
  const goneStart = gone.start();
  const next = transfers.pace(true);
  const nextStart = next.start();
  await tick();
  gone.end();
  assert.equal(await settles(goneStart), true, "its wait ends");
  assert.equal(transfers.waiting, 1);
  holder.end();
  assert.equal(await settles(nextStart), true);
});

Deno.test("a body that ends or is abandoned gives its slot back", async () => {
  const transfers = new Transfers({ slots: 1 });
  const feed = new Feed();
  const { reader } = await holding(transfers, feed);
  feed.push(new Uint8Array(3));
  await reader.next();
  await reader.return?.(undefined);
  assert.equal(await settles(transfers.pace(true).start()), true);
});

Deno.test("a holder that reads nothing while others wait gives its slot, then waits its turn", async () => {
  const transfers = new Transfers({ slots: 1, stallMs: 30, quantumMs: 60_000 });
  const stalledFeed = new Feed();
  const stalled = await holding(transfers, stalledFeed);
  const pending = stalled.reader.next();
  const other = transfers.pace(true);
  const otherStart = other.start();
  assert.equal(await settles(otherStart), false);
  await sleep(100);
  assert.equal(await settles(otherStart), true, "the stalled holder's slot went to the waiter");
  // The stalled read completes; the one after it waits for the slot.
  stalledFeed.push(new Uint8Array(5));
  assert.equal((await pending).value?.length, 5);
  stalledFeed.push(new Uint8Array(6));
  const after = stalled.reader.next();
  assert.equal(await settles(after), false, "no slot: no read");
  other.end();
  assert.equal((await after).value?.length, 6);
  stalled.pace.end();
});

Deno.test("nobody is moved aside while nobody waits", async () => {
  const transfers = new Transfers({ slots: 1, stallMs: 20, quantumMs: 20 });
  const feed = new Feed();
  const { reader, pace } = await holding(transfers, feed);
  await sleep(80);
  feed.push(new Uint8Array(2));
  feed.push(new Uint8Array(3));
  assert.equal((await reader.next()).value?.length, 2);
  assert.equal(await settles(reader.next()), true, "still its slot");
  pace.end();
});

Deno.test("a holder whose quantum is up goes to the back of the line at its next read", async () => {
  const transfers = new Transfers({ slots: 1, stallMs: 60_000, quantumMs: 40 });
  const feed = new Feed();
  const { reader, pace } = await holding(transfers, feed);
  const other = transfers.pace(true);
  const otherStart = other.start();
  await sleep(60);
  // Still moving (it read within the stall limit), so the slot is its own until its next read.
  assert.equal(await settles(otherStart), false);
  feed.push(new Uint8Array(4));
  const next = reader.next();
  assert.equal(await settles(otherStart), true, "the waiter's turn");
  assert.equal(await settles(next), false, "and this one waits behind it");
  other.end();
  assert.equal((await next).value?.length, 4);
  pace.end();
});

Deno.test("paceFor() paces only bodies that can become large", async () => {
  const transfers = new Transfers({ slots: 1 });
  assert.equal(transfers.paceFor({ kind: "none" }), undefined);
  assert.equal(transfers.paceFor({ kind: "length", length: LARGE_BODY_BYTES }), undefined);
  const known = transfers.paceFor({ kind: "length", length: LARGE_BODY_BYTES + 1 });
  await known?.start();
  const unknown = transfers.paceFor({ kind: "chunked" });
  assert.ok(unknown !== undefined);
  assert.equal(await settles(unknown.start()), true, "not large yet: no wait");
  const another = transfers.paceFor({ kind: "length", length: 2 * LARGE_BODY_BYTES });
  assert.equal(await settles(another?.start() ?? Promise.reject()), false, "the slot is taken");
  known?.end();
  unknown.end();
  another?.end();
});
