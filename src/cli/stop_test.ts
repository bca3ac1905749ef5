import assert from "node:assert/strict";
import { NotFoundError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "../lifecycle/testing/mod.ts";
import { stopCommand } from "./stop.ts";
import { capturedContext } from "./_testing.ts";

const METADATA = {
  slug: "dev-1",
  agent: "dev",
  bottle: "base",
  backend: "docker" as const,
  label: "dev",
  cwd: "/repo",
  started_at: "2025-01-01T00:00:00.000Z",
};

Deno.test("stopCommand() stops the bottle and deletes its state", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  await new BottleState(home.paths, "dev-1").create(METADATA);
  const ctx = capturedContext(home.env);
  assert.equal(await stopCommand(ctx, { slug: "dev-1", registry: fakeRegistry(docker) }), 0);
  assert.equal(ctx.err, "bot-bottle: stopped dev-1\n");
  assert.deepEqual(await home.tree(), ["state"]);
});

Deno.test("stopCommand() says where preserved state is kept", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const state = new BottleState(home.paths, "dev-1");
  await state.create(METADATA);
  await state.preserve();
  const ctx = capturedContext(home.env);
  await stopCommand(ctx, { slug: "dev-1", registry: fakeRegistry(docker) });
  assert.equal(
    ctx.err,
    `bot-bottle: stopped dev-1; state kept in ${state.dir} (preserved); resume with: ` +
      "bot-bottle resume dev-1\n",
  );
});

Deno.test("stopCommand() on an unknown slug is NotFoundError", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(
    stopCommand(ctx, { slug: "dev-1", registry: fakeRegistry(new FakeBackend()) }),
    NotFoundError,
  );
});
