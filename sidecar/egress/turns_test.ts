import assert from "node:assert/strict";
import { BREATH_MS, TURN_MS, Turns } from "./_turns.ts";

/** Keep the runtime busy (it cannot poll the network) for `ms`. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* no poll */ }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("Turns holds continuations for a breath only while the network goes unpolled", async () => {
  const turns = new Turns();
  await turns.open();
  try {
    const order: string[] = [];
    await sleep(TURN_MS + 5);
    turns.pass(() => order.push("probe sent"));
    assert.deepEqual(order, ["probe sent"], "a pass that sends a probe runs at once");
    busy(TURN_MS + 5);
    turns.pass(() => order.push("first"));
    turns.pass(() => order.push("second"));
    assert.equal(order.length, 1, "the probe is unanswered past a turn: both wait for a breath");
    await sleep(BREATH_MS + 20);
    assert.deepEqual(order, ["probe sent", "first", "second"], "then they ran, in order");
    turns.pass(() => order.push("after"));
    assert.equal(order.at(-1), "after", "the network was polled in the breath: at once again");
  } finally {
    turns.close();
  }
});

Deno.test("Turns never holds a continuation while the runtime keeps polling", async () => {
  const turns = new Turns();
  await turns.open();
  try {
    let ran = 0;
    const until = performance.now() + TURN_MS * 5;
    while (performance.now() < until) {
      const before = ran;
      turns.pass(() => ran++);
      assert.equal(ran, before + 1);
      await sleep(1);
    }
  } finally {
    turns.close();
  }
});

Deno.test("Turns without its probe (not open, or closed) holds nothing", async () => {
  const unopened = new Turns();
  const closed = new Turns();
  await closed.open();
  closed.close();
  for (const turns of [unopened, closed]) {
    let ran = 0;
    turns.pass(() => ran++);
    busy(TURN_MS + 5);
    turns.pass(() => ran++);
    assert.equal(ran, 2);
  }
});
