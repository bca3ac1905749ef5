import assert from "node:assert/strict";
import { BottleSession } from "./_session.ts";
import { BottleState } from "./state.ts";
import { FakeBackend, tempBotHome } from "./testing/mod.ts";

Deno.test("BottleSession stops its bottle once, however many paths ask", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend();
  const state = new BottleState(home.paths, "dev-1");
  const log = { info: () => {}, warn: () => {} };
  {
    await using session = new BottleSession(backend, { slug: "dev-1", state, log });
    await Promise.all([session.stop(), session.stop()]);
    assert.equal(await session.finish(0), false);
  }
  assert.deepEqual(backend.calls, ["stop dev-1"]);
});

Deno.test("BottleSession disposal stops a bottle nothing stopped, and warns on failure", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend({
    onStop: () => {
      throw new Error("engine gone");
    },
  });
  const warnings: string[] = [];
  const state = new BottleState(home.paths, "dev-1");
  {
    await using _session = new BottleSession(backend, {
      slug: "dev-1",
      state,
      log: { info: () => {}, warn: (line) => warnings.push(line) },
    });
  }
  assert.deepEqual(backend.calls, ["stop dev-1"]);
  assert.deepEqual(warnings, [
    'Cannot tear down bottle "dev-1": engine gone; run bot-bottle cleanup',
  ]);
});
