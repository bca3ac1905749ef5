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

Deno.test("planCleanup() plans an object two backends list once, by the first", async () => {
  await using home = await tempBotHome();
  const sidecar = { kind: "container" as const, name: "bot-bottle-sidecars-vm-1", slug: "vm-1" };
  const machine = { kind: "container" as const, name: "bot-bottle-vm-vm-1", slug: "vm-1" };
  const docker = new FakeBackend({ leftovers: [sidecar] });
  const smol = new FakeBackend({ leftovers: [machine, sidecar] }, "smolmachines");
  const plan = await planCleanup(fakeRegistry(docker, smol), home.paths);
  assert.deepEqual(plan.backends.map((b) => [b.backend.name, b.steps.map((s) => s.name)]), [
    ["docker", [sidecar.name]],
    ["smolmachines", [machine.name]],
  ]);
});

Deno.test("planCleanup() removes a broken bottle (a container stopped) with its state, unless preserved", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [
      { kind: "container", name: "bot-bottle-broken-1", slug: "broken-1" },
      { kind: "container", name: "bot-bottle-sidecars-broken-1", slug: "broken-1" },
      { kind: "container", name: "bot-bottle-live-1", slug: "live-1" },
    ],
  });
  docker.addRunning("live-1");
  docker.addRunning("broken-1", ["agent:running", "sidecar:exited"]);
  docker.addRunning("broken-2", ["agent:exited", "sidecar:running"]);
  await state(home, "live-1");
  await state(home, "broken-1");
  await (await state(home, "broken-2")).preserve();
  const plan = await planCleanup(fakeRegistry(docker), home.paths);
  assert.deepEqual(plan.backends[0]?.steps.map((step) => step.name), [
    "bot-bottle-broken-1",
    "bot-bottle-sidecars-broken-1",
  ]);
  assert.deepEqual(plan.state.map((s) => s.slug), ["broken-1"]);
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

Deno.test("planCleanup() spares a bottle another process is still launching", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [{ kind: "container", name: "bot-bottle-sidecars-new-1", slug: "new-1" }],
  });
  const launching = await state(home, "new-1");
  // Another `start` holds the bottle's lock while it builds images and creates containers.
  const script = `const f = await Deno.open(Deno.args[0], { write: true, create: true });
    await f.lock(true);
    await new Promise((resolve) => setTimeout(resolve, 30_000));`;
  const holder = new Deno.Command(Deno.execPath(), {
    args: ["eval", script, `${launching.dir}/.lock`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitUntilHeld(launching);
    const plan = await planCleanup(fakeRegistry(docker), home.paths);
    assert.deepEqual(plan.backends, [], "its half-made containers stay");
    assert.deepEqual(plan.state, [], "its state stays");
  } finally {
    try {
      holder.kill();
    } catch {
      // It already ended; the assertion above says why.
    }
    await holder.status;
  }
  const after = await planCleanup(fakeRegistry(docker), home.paths);
  assert.deepEqual(after.state.map((s) => s.slug), ["new-1"], "once released it is an orphan");
});

async function waitUntilHeld(state: BottleState): Promise<void> {
  for (let i = 0; i < 100 && !await state.held(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(await state.held(), "the other process took the lock");
}

Deno.test("BottleState.hold() is what makes held() true in other processes", async () => {
  await using home = await tempBotHome();
  const s = await state(home, "dev-1");
  assert.equal(await s.held(), false);
  {
    await using _lock = await s.hold();
    const other = await new Deno.Command("flock", { args: ["-n", `${s.dir}/.lock`, "true"] })
      .output();
    assert.equal(other.code, 1, "another process cannot take the lock");
  }
  const free = await new Deno.Command("flock", { args: ["-n", `${s.dir}/.lock`, "true"] }).output();
  assert.equal(free.code, 0, "released on dispose");
});
