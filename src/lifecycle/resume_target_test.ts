import assert from "node:assert/strict";
import { NotFoundError } from "../../core/errors/mod.ts";
import { BottleState, resumeTarget } from "./mod.ts";
import { FakeBackend, fakeRegistry, type TempBotHome, tempBotHome } from "./testing/mod.ts";

async function kept(home: TempBotHome, backend = "docker" as const) {
  await new BottleState(home.paths, "dev-1").create({
    slug: "dev-1",
    agent: "dev",
    bottle: "base",
    backend,
    label: "dev",
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
    committed_image: "img:1",
  });
}

Deno.test("resumeTarget() returns the recorded metadata and backend", async () => {
  await using home = await tempBotHome();
  await kept(home);
  const docker = new FakeBackend();
  const target = await resumeTarget("dev-1", { registry: fakeRegistry(docker), paths: home.paths });
  assert.equal(target.backend, docker);
  assert.equal(target.metadata.committed_image, "img:1");
});

Deno.test("resumeTarget() names the state dir of a bottle that has none", async () => {
  await using home = await tempBotHome();
  await assert.rejects(
    resumeTarget("dev-1", { registry: fakeRegistry(new FakeBackend()), paths: home.paths }),
    (err: unknown) =>
      err instanceof NotFoundError && err.message.includes(home.paths.stateDir("dev-1")),
  );
});

Deno.test("resumeTarget() refuses a bottle that is still there", async () => {
  await using home = await tempBotHome();
  await kept(home);
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  await assert.rejects(
    resumeTarget("dev-1", { registry: fakeRegistry(docker), paths: home.paths }),
    /Cannot resume bottle "dev-1": it is still there/,
  );
});

Deno.test("resumeTarget() refuses a broken bottle that is still there, saying what to do", async () => {
  await using home = await tempBotHome();
  await kept(home);
  const docker = new FakeBackend();
  docker.addRunning("dev-1", ["agent:running", "sidecar:exited"]);
  await assert.rejects(
    resumeTarget("dev-1", { registry: fakeRegistry(docker), paths: home.paths }),
    {
      message: 'Cannot resume bottle "dev-1": it is there but broken; to keep its work: ' +
        "bot-bottle commit dev-1, bot-bottle stop dev-1, then bot-bottle resume dev-1; " +
        "or bot-bottle cleanup removes it",
    },
  );
});

Deno.test("resumeTarget() refuses when the recorded backend cannot run here", async () => {
  await using home = await tempBotHome();
  await kept(home);
  const docker = new FakeBackend({ availability: { ok: false, reason: "daemon down" } });
  await assert.rejects(
    resumeTarget("dev-1", { registry: fakeRegistry(docker), paths: home.paths }),
    /^Error: Cannot resume bottle "dev-1": backend docker cannot run here: daemon down$/,
  );
});
