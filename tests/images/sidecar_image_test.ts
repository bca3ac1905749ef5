/**
 * The sidecar image built from this codebase really runs the sidecar: the egress daemon comes up
 * and answers the introspection host through the proxy port, from another container on the same
 * network. Built from the offline Deno base under a unique test name; everything is removed after.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { docker, dockerOk, removeImages, TEST_BASES, TEST_LABEL, uniqueTag } from "./_testing.ts";
import { ensureDockerImage } from "../../backends/docker/mod.ts";
import { sidecarImageRecipe } from "../../src/images/mod.ts";

Deno.test("sidecarImageRecipe() builds an image whose egress daemon answers on 9099", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-sidecar-run-" });
  const name = `bb-images-test-${crypto.randomUUID().slice(0, 8)}`;
  const tag = uniqueTag("sidecar");
  try {
    const recipe = await sidecarImageRecipe({
      cacheDir: join(dir, "cache"),
      baseImage: TEST_BASES.deno,
    });
    const lines: string[] = [];
    const result = await ensureDockerImage({ ...recipe, tag }, {
      progress: (line) => lines.push(line),
      labels: { "bot-bottle-test": "1" },
    });
    assert.deepEqual(result, { tag, built: true });
    assert.ok(
      !lines.some((line) => line.startsWith("base image lacks")),
      `no package manager ran:\n${lines.join("\n")}`,
    );
    const label = await dockerOk([
      "image",
      "inspect",
      "--format",
      '{{index .Config.Labels "bot-bottle.image"}}',
      tag,
    ]);
    assert.equal(label, "sidecar");

    const egress = join(dir, "egress");
    await Deno.mkdir(egress);
    await Deno.writeTextFile(join(egress, "routes.yaml"), "routes:\n  - host: api.test\n");
    await dockerOk(["network", "create", "--internal", "--label", TEST_LABEL, name]);
    await dockerOk([
      "run",
      "--detach",
      "--name",
      name,
      "--label",
      TEST_LABEL,
      "--network",
      name,
      "--volume",
      `${egress}:/state/egress`,
      "--env",
      "BOT_BOTTLE_SIDECAR_DAEMONS=egress",
      tag,
    ]);
    const listening = await waitForLog(name, /\[egress\] .*"event":"listening"/);
    assert.match(listening, /"routes":1/);
    const curl = await docker([
      "run",
      "--rm",
      "--label",
      TEST_LABEL,
      "--network",
      name,
      TEST_BASES.debian,
      "curl",
      "-sS",
      "--max-time",
      "10",
      "-x",
      `http://${name}:9099`,
      "http://_egress.local/allowlist",
    ]);
    assert.equal(curl.code, 0, curl.stderr);
    const allowlist: { routes: { host: string }[] } = JSON.parse(curl.stdout);
    assert.deepEqual(allowlist.routes.map((route) => route.host), ["api.test"]);
    assert.match(
      await entrypointDebugLog(tag),
      /V8 code cache hit for ES module: file:\/\/\/app\/sidecar\.js/,
      "the bundle is loaded from the code cache the image build made",
    );
  } finally {
    await docker(["rm", "--force", "--volumes", name]);
    await docker(["network", "rm", name]);
    await removeImages(tag);
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * What Deno logs at debug level while the image's own entrypoint loads the bundle, run as the
 * backend runs the sidecar (read-only root, `/tmp` the only writable place, not root).
 */
async function entrypointDebugLog(tag: string): Promise<string> {
  const entrypoint: string[] = JSON.parse(
    await dockerOk(["image", "inspect", "--format", "{{json .Config.Entrypoint}}", tag]),
  );
  const run = entrypoint.indexOf("run");
  assert.ok(run > 0, `the entrypoint runs deno: ${entrypoint.join(" ")}`);
  const [program, ...args] = entrypoint;
  const result = await docker([
    "run",
    "--rm",
    "--label",
    TEST_LABEL,
    "--read-only",
    "--tmpfs",
    "/tmp",
    "--user",
    "4321:4321",
    "--env",
    "DENO_DIR=/tmp/deno",
    "--entrypoint",
    program!,
    tag,
    ...args.slice(0, run),
    "--log-level=debug",
    ...args.slice(run),
    "--warm-cache",
  ]);
  assert.equal(result.code, 0, result.stderr);
  return result.stderr;
}

/** The first log line of a container matching `pattern`; fails fast when the container exits. */
async function waitForLog(name: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const logs = await docker(["logs", name]);
    const text = logs.stdout + logs.stderr;
    const line = text.split("\n").find((l) => pattern.test(l));
    if (line !== undefined) return line;
    const running = await dockerOk(["inspect", "--format", "{{.State.Running}}", name]);
    if (running !== "true") throw new Error(`the sidecar exited before ${pattern}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the sidecar never logged ${pattern}`);
}
