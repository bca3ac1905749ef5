import assert from "node:assert/strict";
import { type BottleMetadata, BottleState, planCleanup, runCleanup } from "./mod.ts";
import { FakeBackend, fakeRegistry, type TempBotHome, tempBotHome } from "./testing/mod.ts";

async function state(
  home: TempBotHome,
  slug: string,
  backend: BottleMetadata["backend"] = "docker",
) {
  const s = new BottleState(home.paths, slug);
  await s.create({
    slug,
    agent: "dev",
    bottle: "base",
    backend,
    label: "dev",
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
  });
  return s;
}

Deno.test("planCleanup() combines backend leftovers with orphan state, sparing live and preserved", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [
      { kind: "container", name: "bot-bottle-old-1", slug: "old-1" },
      { kind: "network", name: "bot-bottle-net-live-1", slug: "live-1" },
    ],
  });
  docker.addRunning("live-1");
  docker.addRunning("old-1", ["agent:exited", "sidecar:exited"]);
  await state(home, "live-1");
  await state(home, "old-1");
  await (await state(home, "kept-1")).preserve();
  await home.write("state/junk-1/notes", "no metadata");
  const plan = await planCleanup(fakeRegistry(docker), home.paths);
  assert.deepEqual(plan.backends, [{
    backend: docker,
    steps: [{ kind: "container", name: "bot-bottle-old-1", slug: "old-1" }],
  }]);
  assert.deepEqual(plan.state.map((s) => s.slug), ["junk-1", "old-1"]);
  assert.deepEqual(plan.state[1], {
    kind: "state",
    name: home.paths.stateDir("old-1"),
    slug: "old-1",
  });
  assert.deepEqual(plan.warnings, []);
  assert.equal(
    await new BottleState(home.paths, "old-1").exists(),
    true,
    "planning removes nothing",
  );
});

Deno.test("planCleanup() keeps state whose backend cannot say whether it runs", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const smol = new FakeBackend(
    { availability: { ok: false, reason: "no smolvm" } },
    "smolmachines",
  );
  await state(home, "vm-1", "smolmachines");
  const plan = await planCleanup(fakeRegistry(docker, smol), home.paths);
  assert.deepEqual(plan.state, []);
  assert.deepEqual(plan.warnings, [
    "backend smolmachines cannot be asked: no smolvm",
    `keeping ${home.paths.stateDir("vm-1")}: backend smolmachines cannot be asked whether it runs`,
  ]);
});

Deno.test("runCleanup() removes everything planned and reports failures as warnings", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [{ kind: "network", name: "net-old-1", slug: "old-1" }],
    cleanupWarnings: ["could not remove network net-old-1: in use"],
  });
  await state(home, "old-1");
  await home.write("queue/old-1/a.proposal.json", "{}");
  const plan = await planCleanup(fakeRegistry(docker), home.paths);
  const warnings = await runCleanup(plan, home.paths);
  assert.deepEqual(warnings, ["could not remove network net-old-1: in use"]);
  assert.deepEqual(docker.cleaned, [{ kind: "network", name: "net-old-1", slug: "old-1" }]);
  assert.deepEqual(await home.tree(), ["queue", "state"]);
});

Deno.test("runCleanup() goes on after a backend throws", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ leftovers: [{ kind: "container", name: "c", slug: "old-1" }] });
  docker.cleanup = () => Promise.reject(new Error("engine gone"));
  await state(home, "old-1");
  const warnings = await runCleanup(
    await planCleanup(fakeRegistry(docker), home.paths),
    home.paths,
  );
  assert.deepEqual(warnings, ["backend docker cleanup failed: engine gone"]);
  assert.equal(await new BottleState(home.paths, "old-1").exists(), false);
});
