import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome, testMetadata } from "../lifecycle/testing/mod.ts";
import { writeProposal } from "../../core/queue/mod.ts";
import { approveProposal, readAudit } from "../supervise/mod.ts";
import { resumeCommand } from "./resume.ts";
import { startCommand } from "./start.ts";
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

Deno.test("an approved capability-block survives the bottle's clean exit, and resume builds from it", async () => {
  await using home = await tempBotHome();
  const dockerfile = "FROM bot-bottle/agent-shell:x\nRUN apt-get install -y jq\n";
  const decided: string[] = [];
  // While the agent runs, it asks for a new image and the operator approves; then it exits 0.
  const docker = new FakeBackend({
    onExec: async (slug, argv) => {
      if (argv.join(" ") !== "work") return 0;
      const proposal = await writeProposal(home.paths.queueDir(slug), {
        bottle_slug: slug,
        tool: "capability-block",
        proposed_file: dockerfile,
        justification: "needs jq",
        current_file_hash: "",
      });
      decided.push((await approveProposal(home.paths, proposal.id, { user: "op" })).notes);
      return 0;
    },
  });
  const ctx = capturedContext(home.env);
  const code = await startCommand(ctx, {
    agent: "demo",
    yes: true,
    dryRun: false,
    detach: false,
    command: ["work"],
    workspace: false,
    registry: fakeRegistry(docker),
  });
  assert.equal(code, 0, ctx.err);
  const slug = docker.launched[0]?.bottle.slug ?? "";
  assert.match(decided[0] ?? "", new RegExp(`bot-bottle resume ${slug}\` builds`));
  const state = new BottleState(home.paths, slug);
  assert.equal(await state.exists(), true, "a clean exit after the approval keeps the state");
  assert.match(ctx.err, new RegExp(`resume with: bot-bottle resume ${slug}`));
  assert.equal(await Deno.readTextFile(`${state.dir}/image/Dockerfile`), dockerfile);
  assert.deepEqual((await readAudit(home.paths, slug)).map((e) => e.tool), ["capability-block"]);

  const resumed = capturedContext(home.env);
  assert.equal(
    await resumeCommand(resumed, {
      slug,
      yes: true,
      detach: false,
      command: ["true"],
      registry: fakeRegistry(docker),
    }),
    0,
    resumed.err,
  );
  const agentImage = docker.world.images.findLast((recipe) => recipe.role === "agent");
  assert.ok(agentImage?.needsBuild === true);
  assert.deepEqual(agentImage.context, {
    kind: "dir",
    dir: `${state.dir}/image`,
    dockerfile: "Dockerfile",
  });
  assert.equal(docker.launched.at(-1)?.agent.image, agentImage.tag);
  assert.equal(await state.exists(), false, "the resumed bottle used its preserved state");
});
