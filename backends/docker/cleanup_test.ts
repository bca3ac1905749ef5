/**
 * Enumeration and cleanup against the real engine, on objects this test creates under a slug of
 * its own (everything else on the engine is left alone: the assertions and the removal only look
 * at this test's names).
 */
import assert from "node:assert/strict";
import { DockerCli } from "./_docker.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";

const BASE = "bot-bottle-test/debian:bookworm";
const cli = new DockerCli();

function docker(args: string[], options?: { allowFailure?: boolean }) {
  return cli.run(args, options);
}
const ignore = (await docker(["image", "inspect", BASE], { allowFailure: true })).code !== 0;

async function labelledImage(tag: string): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-cleanup-" });
  try {
    await Deno.writeTextFile(`${dir}/Dockerfile`, `FROM ${BASE}\n`);
    await docker(["build", "--quiet", "--label", "bot-bottle.image=test", "--tag", tag, dir]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function bottleRun(slug: string, name: string, image: string, command: string[]): string[] {
  return [
    "run",
    "--detach",
    "--name",
    name,
    "--label",
    `bot-bottle.slug=${slug}`,
    "--label",
    "bot-bottle.role=agent",
    "--label",
    "bot-bottle.label=cleanup-test",
    "--label",
    "bot-bottle.agent=dev",
    "--label",
    "bot-bottle-test=1",
    "--network",
    "none",
    image,
    ...command,
  ];
}

Deno.test({
  name:
    "cleanupPlan(cli, ) lists a dead bottle's objects and unused built images, sparing live ones",
  ignore,
  fn: async () => {
    const id = crypto.randomUUID().slice(0, 8);
    const dead = `cleanup-dead-${id}`;
    const live = `cleanup-live-${id}`;
    const unusedImage = `bot-bottle/agent-cleanup-test:unused-${id}`;
    const usedImage = `bot-bottle/agent-cleanup-test:used-${id}`;
    try {
      await labelledImage(unusedImage);
      await labelledImage(usedImage);
      await docker(bottleRun(dead, `bot-bottle-${dead}`, BASE, ["true"]));
      await docker([
        "network",
        "create",
        "--label",
        `bot-bottle.slug=${dead}`,
        "--label",
        "bot-bottle-test=1",
        `bot-bottle-net-${dead}`,
      ]);
      await docker(bottleRun(live, `bot-bottle-${live}`, usedImage, ["sleep", "60"]));

      const active = (await enumerateActive(cli)).filter((b) => b.slug === live || b.slug === dead);
      assert.deepEqual(active.map((b) => [b.slug, b.label, b.agent]).sort(), [
        [dead, "cleanup-test", "dev"],
        [live, "cleanup-test", "dev"],
      ]);
      const mine = (await cleanupPlan(cli, new Set([live]))).filter((s) => s.name.includes(id));
      assert.deepEqual(mine.map((s) => `${s.kind} ${s.name}`).sort(), [
        `container bot-bottle-${dead}`,
        `image ${unusedImage}`,
        `network bot-bottle-net-${dead}`,
      ]);
      assert.deepEqual(await cleanup(cli, mine), []);
      const after = (await cleanupPlan(cli, new Set([live]))).filter((s) => s.name.includes(id));
      assert.deepEqual(after, [], "everything planned is gone");
      assert.ok((await docker(["image", "inspect", usedImage], { allowFailure: true })).code === 0);
    } finally {
      await teardown(cli, live);
      await teardown(cli, dead);
      for (const tag of [unusedImage, usedImage]) {
        await docker(["image", "rm", tag], { allowFailure: true });
      }
    }
  },
});

Deno.test({
  name: "teardown(cli, ) removes a bottle's containers and networks and is idempotent",
  ignore,
  fn: async () => {
    const slug = `teardown-${crypto.randomUUID().slice(0, 8)}`;
    await docker(bottleRun(slug, `bot-bottle-${slug}`, BASE, ["sleep", "60"]));
    await docker([
      "network",
      "create",
      "--label",
      `bot-bottle.slug=${slug}`,
      `bot-bottle-net-${slug}`,
    ]);
    await teardown(cli, slug);
    await teardown(cli, slug);
    assert.deepEqual((await enumerateActive(cli)).filter((b) => b.slug === slug), []);
    const nets = await docker([
      "network",
      "ls",
      "--quiet",
      "--filter",
      `label=bot-bottle.slug=${slug}`,
    ]);
    assert.equal(nets.stdout.trim(), "");
  },
});
