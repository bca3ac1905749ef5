import assert from "node:assert/strict";
import { KeyedLock } from "./_lock.ts";

Deno.test("KeyedLock serializes holders of one key and leaves other keys free", async () => {
  const lock = new KeyedLock();
  const order: string[] = [];
  const releaseA = await lock.acquire("app");
  const second = lock.acquire("app").then((release) => {
    order.push("second");
    return release;
  });
  const other = await lock.acquire("lib");
  order.push("other");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(order, ["other"]);
  releaseA();
  releaseA();
  const releaseB = await second;
  assert.deepEqual(order, ["other", "second"]);
  releaseB();
  other();
  const again = await lock.acquire("app");
  again();
});
