import assert from "node:assert/strict";
import { join } from "node:path";
import { ImageBuildError } from "../../core/errors/mod.ts";
import type { ImageRecipe } from "../../backends/mod.ts";
import { defaultSidecarBase, sidecarImageRecipe } from "./sidecar_image_recipe.ts";

/** A tiny repository with the layout `deno bundle` of sidecar/main.ts needs. */
async function fakeRepo(dir: string): Promise<string> {
  const root = join(dir, "repo");
  await Deno.mkdir(join(root, "sidecar"), { recursive: true });
  await Deno.mkdir(join(root, "core", "wire"), { recursive: true });
  await Deno.writeTextFile(join(root, "deno.json"), "{}\n");
  await Deno.writeTextFile(
    join(root, "core", "wire", "mod.ts"),
    'export const WIRE = "wire-v1";\n',
  );
  await Deno.writeTextFile(
    join(root, "sidecar", "main.ts"),
    'import { WIRE } from "../core/wire/mod.ts";\nconsole.log(WIRE);\n',
  );
  return root;
}

function bundleText(recipe: ImageRecipe): string {
  assert.ok(recipe.needsBuild && recipe.context.kind === "files");
  return new TextDecoder().decode(recipe.context.files.get("sidecar.js"));
}

async function cached(cacheDir: string): Promise<{ name: string; mtime: number }[]> {
  const found = [];
  for await (const entry of Deno.readDir(cacheDir)) {
    const mtime = (await Deno.stat(join(cacheDir, entry.name))).mtime?.getTime() ?? 0;
    found.push({ name: entry.name, mtime });
  }
  return found;
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-sidecar-image-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sidecarImageRecipe() holds the Dockerfile and the bundle, on the matching Deno image", async () => {
  await withDir(async (dir) => {
    const sourceRoot = await fakeRepo(dir);
    const recipe = await sidecarImageRecipe({ cacheDir: join(dir, "cache"), sourceRoot });
    assert.ok(recipe.needsBuild);
    assert.match(recipe.tag, /^bot-bottle\/sidecar:[0-9a-f]{16}$/);
    assert.equal(recipe.role, "sidecar");
    assert.deepEqual(recipe.buildArgs, { BASE_IMAGE: `denoland/deno:debian-${Deno.version.deno}` });
    assert.equal(defaultSidecarBase(), `denoland/deno:debian-${Deno.version.deno}`);
    assert.ok(recipe.context.kind === "files");
    assert.deepEqual([...recipe.context.files.keys()], ["Dockerfile", "sidecar.js"]);
    const dockerfile = new TextDecoder().decode(recipe.context.files.get("Dockerfile"));
    assert.match(dockerfile, /COPY sidecar\.js \/app\/sidecar\.js/);
    assert.match(bundleText(recipe), /"wire-v1"/);
  });
});

Deno.test("sidecarImageRecipe() reuses the cached bundle and tag while the sources are unchanged", async () => {
  await withDir(async (dir) => {
    const sourceRoot = await fakeRepo(dir);
    const cacheDir = join(dir, "cache");
    const first = await sidecarImageRecipe({ cacheDir, sourceRoot });
    const before = await cached(cacheDir);
    assert.equal(before.length, 1);
    assert.match(before[0]!.name, /^sidecar-[0-9a-f]{32}\.js$/);
    // Files that are not TypeScript sources (docs, tests data) do not decide the bundle.
    await Deno.writeTextFile(join(sourceRoot, "core", "README.md"), "notes\n");
    await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await sidecarImageRecipe({ cacheDir, sourceRoot });
    assert.equal(second.tag, first.tag);
    assert.deepEqual(await cached(cacheDir), before, "the warm start did not re-bundle");
  });
});

Deno.test("sidecarImageRecipe() re-bundles and re-tags when a source or the base image changes", async () => {
  await withDir(async (dir) => {
    const sourceRoot = await fakeRepo(dir);
    const cacheDir = join(dir, "cache");
    const first = await sidecarImageRecipe({ cacheDir, sourceRoot });
    const based = await sidecarImageRecipe({
      cacheDir,
      sourceRoot,
      baseImage: "bot-bottle-test/deno:2.9.6",
    });
    assert.ok(based.needsBuild);
    assert.deepEqual(based.buildArgs, { BASE_IMAGE: "bot-bottle-test/deno:2.9.6" });
    assert.notEqual(based.tag, first.tag);

    await Deno.writeTextFile(
      join(sourceRoot, "core", "wire", "mod.ts"),
      'export const WIRE = "wire-v2";\n',
    );
    const changed = await sidecarImageRecipe({ cacheDir, sourceRoot });
    assert.notEqual(changed.tag, first.tag);
    assert.match(bundleText(changed), /"wire-v2"/);
    assert.equal((await cached(cacheDir)).length, 1, "the stale bundle was pruned");

    await Deno.writeTextFile(join(sourceRoot, "deno.json"), '{ "compilerOptions": {} }\n');
    const configured = await sidecarImageRecipe({ cacheDir, sourceRoot });
    assert.equal(configured.tag, changed.tag, "the same bundle bytes keep the tag");
  });
});

Deno.test("sidecarImageRecipe() reports a failing bundle with deno's output", async () => {
  await withDir(async (dir) => {
    const sourceRoot = await fakeRepo(dir);
    await Deno.writeTextFile(
      join(sourceRoot, "sidecar", "main.ts"),
      'import "../core/missing.ts";\n',
    );
    const cacheDir = join(dir, "cache");
    await assert.rejects(sidecarImageRecipe({ cacheDir, sourceRoot }), (err) => {
      assert.ok(err instanceof ImageBuildError);
      assert.equal(err.tag, "bot-bottle/sidecar");
      assert.match(
        err.message,
        /^Cannot build image "bot-bottle\/sidecar": deno bundle of sidecar\/main\.ts exited with code 1/,
      );
      assert.ok(err.output.some((line) => line.includes("missing.ts")), err.output.join("\n"));
      return true;
    });
    assert.deepEqual(await cached(cacheDir), [], "no partial bundle is left in the cache");
  });
});
