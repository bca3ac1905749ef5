import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { ByteSource } from "./_byte_source.ts";

/** How long `wait` took to settle, and what it settled with. */
async function timed(source: ByteSource, timeoutMs: number): Promise<[boolean, number]> {
  const started = performance.now();
  const arrived = await source.wait(timeoutMs);
  return [arrived, performance.now() - started];
}

Deno.test("wait() gives up at its own deadline after an earlier wait was ended by data", async () => {
  const stream = new PassThrough();
  const source = new ByteSource(stream);
  // Ended by data long before its 150 ms: the source's timer is left armed for then.
  const first = source.wait(150);
  stream.write("x");
  assert.equal(await first, true);
  assert.equal(source.take()?.toString(), "x");
  // A longer wait must not give up when that timer fires, but at its own 400 ms.
  const [arrived, ms] = await timed(source, 400);
  assert.equal(arrived, false);
  assert.ok(ms >= 390, `gave up after ${ms.toFixed(0)} ms, before its 400 ms`);
  stream.destroy();
});

Deno.test("wait() gives up on time when a shorter wait follows a long one ended by data", async () => {
  const stream = new PassThrough();
  const source = new ByteSource(stream);
  const first = source.wait(60_000);
  stream.write("x");
  assert.equal(await first, true);
  source.take();
  const [arrived, ms] = await timed(source, 100);
  assert.equal(arrived, false);
  assert.ok(ms >= 90 && ms < 2_000, `gave up after ${ms.toFixed(0)} ms, not about 100 ms`);
  // The end of the stream stops the timer the first wait left: the test's timer check
  // would otherwise fail it.
  stream.destroy();
  await new Promise((resolve) => stream.once("close", resolve));
});

Deno.test("wait() without a deadline waits past an armed timer until data comes", async () => {
  const stream = new PassThrough();
  const source = new ByteSource(stream);
  const first = source.wait(50);
  stream.write("x");
  assert.equal(await first, true);
  source.take();
  const endless = source.wait(Infinity);
  await new Promise((resolve) => setTimeout(resolve, 120));
  stream.write("y");
  assert.equal(await endless, true);
  assert.equal(source.take()?.toString(), "y");
  stream.destroy();
  await new Promise((resolve) => stream.once("close", resolve));
});
