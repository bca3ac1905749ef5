/**
 * Real docker builds from the offline bases of the e2e suite. Every image is built under a unique
 * test name (never a content tag a real bottle could be using) and removed, also on failure.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError } from "../../core/errors/mod.ts";
import { docker, dockerOk, removeImages, TEST_BASES, TEST_LABEL, uniqueTag } from "./_testing.ts";
import { agentImageRecipe } from "../../src/images/mod.ts";
import { ensureDockerImage } from "../../backends/docker/mod.ts";
import { BaseImageError, IMAGE_BUILD_TAIL_LINES, ImageBuildError } from "../../core/errors/mod.ts";

const SHELL = {
  kind: "provider",
  template: "shell",
  dockerfile: new URL("../../images/shell/Dockerfile", import.meta.url).href,
} as const;
const LABELS = { "bot-bottle-test": "1" };

Deno.test("ensureDockerImage() builds the shell agent image once, then skips it", async () => {
  const recipe = await agentImageRecipe(SHELL, { baseImage: TEST_BASES.debian });
  const tag = uniqueTag("agent");
  try {
    const lines: string[] = [];
    const first = await ensureDockerImage({ ...recipe, tag }, {
      progress: (line) => lines.push(line),
      labels: LABELS,
    });
    assert.deepEqual(first, { tag, built: true });
    assert.ok(lines.some((line) => /^Step \d+\/\d+ : FROM /.test(line)), lines.join("\n"));
    assert.ok(
      !lines.some((line) => line.startsWith("base image lacks")),
      `no package manager ran:\n${lines.join("\n")}`,
    );
    const labels = JSON.parse(
      await dockerOk(["image", "inspect", "--format", "{{json .Config.Labels}}", tag]),
    );
    assert.equal(labels["bot-bottle.image"], "agent");
    assert.equal(labels["bot-bottle-test"], "1");

    const again: string[] = [];
    const second = await ensureDockerImage({ ...recipe, tag }, { progress: (l) => again.push(l) });
    assert.deepEqual(second, { tag, built: false });
    assert.deepEqual(again, [], "a present image is not rebuilt");

    const id = await dockerOk([
      "run",
      "--rm",
      "--label",
      TEST_LABEL,
      "--network",
      "none",
      tag,
      "sh",
      "-c",
      'echo "$(id -un) $(id -u) $HOME $(pwd)"',
    ]);
    assert.equal(id, "agent 1000 /home/agent /home/agent/workspace");
  } finally {
    await removeImages(tag);
  }
});

Deno.test("ensureDockerImage() throws ImageBuildError with the end of docker's output", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-broken-image-" });
  const tag = uniqueTag("broken");
  try {
    const steps = Array.from({ length: 30 }, (_, i) => `echo noise-${i}`).join(" && ");
    await Deno.writeTextFile(
      join(dir, "Dockerfile"),
      `FROM ${TEST_BASES.debian}\nRUN ${steps} && echo broken-marker >&2 && exit 7\n`,
    );
    const recipe = await agentImageRecipe({ kind: "dockerfile", path: join(dir, "Dockerfile") });
    const lines: string[] = [];
    await assert.rejects(
      ensureDockerImage({ ...recipe, tag }, { progress: (l) => lines.push(l), labels: LABELS }),
      (err) => {
        assert.ok(err instanceof ImageBuildError);
        assert.equal(err.tag, tag);
        assert.match(
          err.message,
          new RegExp(`^Cannot build image "${tag}": docker build exited with code 7\n`),
        );
        assert.equal(err.output.length, IMAGE_BUILD_TAIL_LINES);
        assert.deepEqual(err.output, lines.slice(-IMAGE_BUILD_TAIL_LINES));
        assert.ok(err.output.some((line) => line.includes("broken-marker")), err.message);
        assert.ok(err.message.includes("broken-marker"));
        assert.ok(!err.output.some((line) => line === "noise-0"), "only the tail is kept");
        return true;
      },
    );
    assert.ok(lines.includes("noise-0"), "every line reached progress");
    assert.notEqual((await docker(["image", "inspect", tag])).code, 0, "no image was tagged");
  } finally {
    await removeImages(tag);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureDockerImage() refuses a committed image that is gone, and a missing docker", async () => {
  const gone = await agentImageRecipe({ kind: "committed", ref: uniqueTag("committed") });
  await assert.rejects(
    ensureDockerImage(gone, { progress: () => {} }),
    (err) =>
      err instanceof NotFoundError &&
      err.message.startsWith(`Cannot use image "${gone.tag}": docker does not have it`),
  );
  const recipe = await agentImageRecipe(SHELL);
  await assert.rejects(
    ensureDockerImage(recipe, { progress: () => {}, docker: "/nonexistent/docker" }),
    (err) =>
      err instanceof ImageBuildError && err.message.includes('"/nonexistent/docker" cannot be run'),
  );
});

Deno.test("ensureDockerImage() stops with BaseImageError before building when the base cannot be pulled", async () => {
  // A registry on a closed loopback port: the engine's pull fails at once, on this machine.
  const base = `localhost:1/bot-bottle-test/unpullable:${crypto.randomUUID().slice(0, 8)}`;
  const recipe = await agentImageRecipe(SHELL, { baseImage: base });
  const tag = uniqueTag("unpullable");
  const lines: string[] = [];
  await assert.rejects(
    ensureDockerImage({ ...recipe, tag }, { progress: (l) => lines.push(l), labels: LABELS }),
    (err) => {
      assert.ok(err instanceof BaseImageError && err instanceof ImageBuildError);
      assert.equal(err.baseImage, base);
      assert.deepEqual(err.output, []);
      assert.ok(!err.message.includes("\n"), err.message);
      assert.ok(err.message.includes("set BOT_BOTTLE_AGENT_BASE_IMAGE"), err.message);
      return true;
    },
  );
  assert.deepEqual(lines, [], "no build started");
  assert.notEqual((await docker(["image", "inspect", tag])).code, 0, "no image was tagged");
});
