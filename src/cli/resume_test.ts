import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome, testMetadata } from "../lifecycle/testing/mod.ts";
import { resumeCommand } from "./resume.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("resumeCommand() relaunches the recorded agent on its slug and committed image", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, "demo-1");
  await state.create(
    testMetadata("demo-1", { label: "mine", cwd: "/somewhere/else", committed_image: "img:1" }),
  );
  await state.preserve();
  const seen: { cwd?: string } = {};
  const docker = new FakeBackend({
    onExec: async () => {
      seen.cwd = (await state.read()).cwd;
      return 0;
    },
  });
  const ctx = capturedContext(home.env);
  const code = await resumeCommand(ctx, {
    slug: "demo-1",
    yes: true,
    detach: false,
    command: ["true"],
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0);
  assert.deepEqual(docker.calls, ["launch demo-1", "exec demo-1 true", "stop demo-1"]);
  assert.deepEqual(docker.world.images[0], { needsBuild: false, tag: "img:1", role: "agent" });
  assert.equal(docker.launched[0]?.agent.image, "img:1", "the agent boots the committed image");
  assert.equal(docker.launched[0]?.bottle.label, "mine");
  assert.equal(seen.cwd, "/somewhere/else");
  assert.match(ctx.err, /image: +img:1/);
  assert.equal(await state.exists(), false, "a clean exit after resume deletes the state");
});

Deno.test("resumeCommand() names the state dir of an unknown slug", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(
    resumeCommand(ctx, { slug: "dev-1", yes: true, detach: false, registry: fakeRegistry() }),
    (err: unknown) =>
      err instanceof NotFoundError && err.message.includes(home.paths.stateDir("dev-1")),
  );
});

Deno.test("resumeCommand() without a terminal needs --yes", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(
    resumeCommand(ctx, { slug: "dev-1", yes: false, detach: false, registry: fakeRegistry() }),
    UsageError,
  );
});

Deno.test("resumeCommand() builds from a Dockerfile the operator approved", async () => {
  await using home = await tempBotHome();
  const state = new BottleState(home.paths, "demo-2");
  await state.create(
    testMetadata("demo-2", { label: "demo", cwd: "/w", committed_image: "img:1" }),
  );
  await state.preserve();
  const approved = `${state.dir}/image/Dockerfile`;
  await Deno.mkdir(`${state.dir}/image`);
  await Deno.writeTextFile(approved, "FROM bot-bottle/agent-shell:x\nRUN true\n");
  const docker = new FakeBackend({ onExec: () => 0 });
  const ctx = capturedContext(home.env);
  const code = await resumeCommand(ctx, {
    slug: "demo-2",
    yes: true,
    detach: false,
    command: ["true"],
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0, ctx.err);
  const agentImage = docker.world.images.find((recipe) => recipe.role === "agent");
  assert.ok(agentImage?.needsBuild === true && agentImage.context.kind === "dir");
  assert.deepEqual(agentImage.context, {
    kind: "dir",
    dir: `${state.dir}/image`,
    dockerfile: "Dockerfile",
  });
  assert.equal(docker.launched[0]?.agent.image, agentImage.tag);
  assert.match(ctx.err, /image: +built from .*\/image\/Dockerfile/);
});
