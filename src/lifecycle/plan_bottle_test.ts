import assert from "node:assert/strict";
import { ConfigError, UsageError } from "../../core/errors/mod.ts";
import { demoAgent } from "../plan/mod.ts";
import { BottleState, chooseSlug, metadataFor, metadataSchema, planBottle } from "./mod.ts";
import { FakeBackend, tempBotHome } from "./testing/mod.ts";

Deno.test("chooseSlug() names a bottle after its agent, or uses a valid free --label", async () => {
  await using home = await tempBotHome();
  const generated = await chooseSlug("dev", { paths: home.paths, active: new Set() });
  assert.equal(generated.label, "dev");
  assert.match(generated.slug, /^dev-[0-9a-f]{6}$/);
  const labelled = await chooseSlug("dev", {
    paths: home.paths,
    active: new Set(),
    label: "review",
  });
  assert.deepEqual(labelled, { slug: "review", label: "review" });
});

Deno.test("chooseSlug() rejects an invalid --label", async () => {
  await using home = await tempBotHome();
  for (const label of ["Review", "-x", "x-", "a", "has space", "../etc", "x".repeat(41)]) {
    await assert.rejects(
      chooseSlug("dev", { paths: home.paths, active: new Set(), label }),
      UsageError,
      label,
    );
  }
});

Deno.test("chooseSlug() rejects a --label an active bottle or a kept state dir uses", async () => {
  await using home = await tempBotHome();
  await assert.rejects(
    chooseSlug("dev", { paths: home.paths, active: new Set(["review"]), label: "review" }),
    /^UsageError: --label "review" is taken: .*choose another label$/,
  );
  await home.write("state/kept-1/metadata.json", "{}");
  await assert.rejects(
    chooseSlug("dev", { paths: home.paths, active: new Set(), label: "kept-1" }),
    (err: unknown) => err instanceof UsageError && err.message.includes("state/kept-1"),
  );
});

Deno.test("planBottle() plans with the backend's steps and the given command", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend();
  const { plan, prepared } = planBottle(demoAgent(), {
    backend,
    slug: "demo-1",
    label: "demo",
    cwd: "/repo",
    paths: home.paths,
    hostEnv: {},
    command: ["echo", "hi"],
    committedImage: "img:1",
  });
  assert.deepEqual(plan.command, ["echo", "hi"]);
  assert.deepEqual(plan.image, { kind: "committed", ref: "img:1" });
  assert.deepEqual(prepared.steps.at(-1)?.argv, [
    "memory",
    "exec",
    "memory-agent-demo-1",
    "echo",
    "hi",
  ]);
  const agent = prepared.steps.find((s) => s.title === "start the agent")!.argv;
  assert.equal(agent.at(-1), "img:1", "the committed image is the agent's, no build");
  assert.deepEqual(await home.tree(), [], "planning writes nothing");
});

Deno.test("planBottle() refuses a plugin provider that was not loaded with its bottle", async () => {
  await using home = await tempBotHome();
  const agent = demoAgent();
  agent.bottle.agentProvider.template = "aider";
  assert.throws(
    () =>
      planBottle(agent, {
        backend: new FakeBackend(),
        slug: "demo-1",
        label: "demo",
        cwd: "/",
        paths: home.paths,
        hostEnv: {},
      }),
    ConfigError,
  );
});

Deno.test("metadataFor() records what resume needs, in a shape metadataSchema accepts", async () => {
  await using home = await tempBotHome();
  const backend = new FakeBackend();
  const { plan } = planBottle(demoAgent(), {
    backend,
    slug: "demo-1",
    label: "demo",
    cwd: "/repo",
    paths: home.paths,
    hostEnv: {},
  });
  const metadata = metadataFor(plan, { backend, color: "blue", now: new Date(0) });
  assert.deepEqual(metadata, {
    slug: "demo-1",
    agent: "demo",
    bottle: "demo",
    backend: "docker",
    label: "demo",
    color: "blue",
    cwd: "/repo",
    started_at: "1970-01-01T00:00:00.000Z",
  });
  assert.deepEqual(metadataSchema.parse(metadata), metadata);
  const state = new BottleState(home.paths, "demo-1");
  await state.create(metadata);
  assert.deepEqual(await state.read(), metadata);
});
