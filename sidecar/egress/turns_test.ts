import assert from "node:assert/strict";
import { TURN_MS, Turns } from "./_turns.ts";

/** Keep the event loop busy (no turn can happen) for `ms`. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* no turn */ }
}

Deno.test("Turns runs a chain at once while the loop turns, and from a timer once it is starved", async () => {
  const turns = new Turns();
  let ran = 0;
  turns.pass(() => ran++);
  assert.equal(ran, 1, "a fresh watch defers nothing");
  busy(TURN_MS + 5);
  turns.pass(() => ran++);
  assert.equal(ran, 2, "the first late pass still runs at once (it queues the probe)");
  busy(TURN_MS + 5);
  turns.pass(() => ran++);
  assert.equal(ran, 2, "the probe waited too long: the chain waits for the loop");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(ran, 3, "the deferred step ran once the loop turned");
  turns.pass(() => ran++);
  assert.equal(ran, 4, "after the turn, chains run at once again");
  // Let any probe the last pass queued run before the test ends.
  await new Promise((resolve) => setTimeout(resolve, 0));
});
