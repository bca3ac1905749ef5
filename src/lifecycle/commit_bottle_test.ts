import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { BottleState, commitBottle } from "./mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "./testing/mod.ts";

const METADATA = {
  agent: "dev",
  bottle: "base",
  backend: "docker" as const,
  label: "dev",
  cwd: "/repo",
  started_at: "2025-01-01T00:00:00.000Z",
};

Deno.test("commitBottle() records the image and preserves the state of the only bottle", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  docker.addRunning("old-1", ["agent:exited"]);
  const state = new BottleState(home.paths, "dev-1");
  await state.create({ slug: "dev-1", ...METADATA });
  const result = await commitBottle(undefined, {
    registry: fakeRegistry(docker),
    paths: home.paths,
  });
  assert.deepEqual(result, { slug: "dev-1", image: "memory/committed-dev-1:1" });
  assert.equal((await state.read()).committed_image, "memory/committed-dev-1:1");
  assert.equal(await state.preserved(), true);
  assert.deepEqual(await docker.enumerateActive().then((b) => b.length), 2, "it keeps running");
});

Deno.test("commitBottle() without a slug needs exactly one running bottle", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const options = { registry: fakeRegistry(docker), paths: home.paths };
  await assert.rejects(
    commitBottle(undefined, options),
    /^UsageError: no running bottle to commit$/,
  );
  docker.addRunning("a-1");
  docker.addRunning("b-2");
  await assert.rejects(commitBottle(undefined, options), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, "several bottles are running (a-1, b-2): bot-bottle commit <slug>");
    return true;
  });
  assert.deepEqual(docker.calls, []);
});

Deno.test("commitBottle() refuses a bottle without state before snapshotting it", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const options = { registry: fakeRegistry(docker), paths: home.paths };
  await assert.rejects(commitBottle("dev-1", options), NotFoundError);
  await assert.rejects(commitBottle("dev-2", options), /No running bottle "dev-2"/);
  assert.deepEqual(docker.calls, []);
});
