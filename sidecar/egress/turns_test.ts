import assert from "node:assert/strict";
import { BREATH_MS, TURN_MS, Turns } from "./_turns.ts";

Deno.test("Turns runs continuations at once until writes have come back to back for TURN_MS", async () => {
  const turns = new Turns();
  let ran = 0;
  const started = performance.now();
  let held = false;
  // Back to back: nothing in between lets the runtime wait (a hiccup of the machine may restart
  // the run, so go on until one is held).
  while (!held && performance.now() - started < 5_000) {
    const before = ran;
    turns.pass(() => ran++);
    held = ran === before;
  }
  assert.ok(held, "a run of back-to-back writes was never given a breath");
  assert.ok(performance.now() - started >= TURN_MS, "no breath before a whole turn");
  const order: string[] = [];
  turns.pass(() => order.push("first"));
  turns.pass(() => order.push("second"));
  assert.equal(order.length, 0, "during the breath every continuation waits");
  await new Promise((resolve) => setTimeout(resolve, BREATH_MS + 5));
  assert.deepEqual(order, ["first", "second"], "then they run, in the order they came");
  turns.pass(() => order.push("after"));
  assert.deepEqual(order, ["first", "second", "after"], "after the breath, at once again");
});

Deno.test("Turns never holds back writes with waits between them", async () => {
  const turns = new Turns();
  let ran = 0;
  const until = performance.now() + TURN_MS * 3;
  while (performance.now() < until) {
    const before = ran;
    turns.pass(() => ran++);
    assert.equal(ran, before + 1, "a write after a wait runs at once");
    await new Promise((resolve) => setTimeout(resolve, BREATH_MS + 1));
  }
});
