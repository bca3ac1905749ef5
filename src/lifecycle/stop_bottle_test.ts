import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { type BottleMetadata, BottleState, stopBottle } from "./mod.ts";
import { FakeBackend, fakeRegistry, type TempBotHome, tempBotHome } from "./testing/mod.ts";

async function keptState(home: TempBotHome, slug: string): Promise<BottleState> {
  const state = new BottleState(home.paths, slug);
  const metadata: BottleMetadata = {
    slug,
    agent: "dev",
    bottle: "base",
    backend: "docker",
    label: "dev",
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
  };
  await state.create(metadata);
  return state;
}

Deno.test("stopBottle() removes a running bottle and its state", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const state = await keptState(home, "dev-1");
  const outcome = await stopBottle("dev-1", { registry: fakeRegistry(docker), paths: home.paths });
  assert.deepEqual(outcome, { backend: "docker", warnings: [] });
  assert.deepEqual(docker.calls, ["stop dev-1"]);
  assert.equal(await state.exists(), false);
  assert.deepEqual(await docker.enumerateActive(), []);
});

Deno.test("stopBottle() keeps preserved state", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const state = await keptState(home, "dev-1");
  await state.preserve();
  const outcome = await stopBottle("dev-1", { registry: fakeRegistry(docker), paths: home.paths });
  assert.equal(outcome.keptState, state.dir);
  assert.equal(await state.exists(), true);
});

Deno.test("stopBottle() discards the kept state of a bottle that no longer runs", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const state = await keptState(home, "dev-1");
  await stopBottle("dev-1", { registry: fakeRegistry(docker), paths: home.paths });
  assert.deepEqual(docker.calls, ["stop dev-1"], "leftovers of the recorded backend go too");
  assert.equal(await state.exists(), false);
});

Deno.test("stopBottle() warns when the recorded backend cannot be asked", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ availability: { ok: false, reason: "daemon down" } });
  await keptState(home, "dev-1");
  const outcome = await stopBottle("dev-1", { registry: fakeRegistry(docker), paths: home.paths });
  assert.deepEqual(outcome.warnings, [
    "backend docker cannot be asked: daemon down",
    "backend docker cannot be asked; its objects for dev-1 may remain",
  ]);
  assert.deepEqual(docker.calls, []);
});

Deno.test("stopBottle() names the running bottles for an unknown slug and touches nothing", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  await assert.rejects(
    stopBottle("dev-9", { registry: fakeRegistry(docker), paths: home.paths }),
    (err: unknown) => {
      assert.ok(err instanceof NotFoundError);
      assert.match(
        err.message,
        /^No bottle "dev-9": no backend runs it and .*state\/dev-9 does not exist \(running: dev-1\)$/,
      );
      return true;
    },
  );
  await assert.rejects(
    stopBottle("../state", { registry: fakeRegistry(docker), paths: home.paths }),
    UsageError,
  );
  assert.deepEqual(docker.calls, []);
});
