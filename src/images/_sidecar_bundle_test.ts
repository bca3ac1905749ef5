import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sidecarBundle, sourceDigest } from "./_sidecar_bundle.ts";
import { bundleSidecar } from "./bundle_sidecar.ts";
import { ImageBuildError } from "../../core/errors/mod.ts";

Deno.test("sidecarBundle() in a compiled binary reads the embedded bundle and never bundles", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-bundle-" });
  try {
    const embedded = join(dir, "sidecar.js");
    await Deno.writeTextFile(embedded, "console.log('embedded');\n");
    const options = {
      cacheDir: join(dir, "cache"),
      root: join(dir, "no-repo"),
      embedded: pathToFileURL(embedded),
      standalone: true,
    };
    const bytes = await sidecarBundle(options);
    assert.equal(new TextDecoder().decode(bytes), "console.log('embedded');\n");
    await Deno.remove(embedded);
    await assert.rejects(sidecarBundle(options), (err) => {
      assert.ok(err instanceof ImageBuildError);
      assert.match(
        err.message,
        /carries no sidecar bundle .* rebuild it with `deno task compile`$/,
      );
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sourceDigest() covers the sidecar's and core's TypeScript sources, deno.json and deno.lock", async () => {
  const root = new URL("../../", import.meta.url);
  const digest = await sourceDigest(root.pathname);
  assert.match(digest, /^[0-9a-f]{64}$/);
  assert.equal(await sourceDigest(root.pathname), digest);
  const dir = await Deno.makeTempDir({ prefix: "bb-digest-" });
  try {
    await Deno.mkdir(join(dir, "sidecar"));
    await Deno.mkdir(join(dir, "core"));
    await Deno.mkdir(join(dir, "src"));
    const empty = await sourceDigest(dir);
    await Deno.writeTextFile(join(dir, "deno.lock"), "{}");
    const locked = await sourceDigest(dir);
    assert.notEqual(locked, empty, "a lockfile appearing changes the digest");
    await Deno.writeTextFile(join(dir, "sidecar", "notes.md"), "x");
    assert.equal(await sourceDigest(dir), locked, "non-TypeScript files do not count");
    await Deno.writeTextFile(join(dir, "sidecar", "a.ts"), "");
    const added = await sourceDigest(dir);
    assert.notEqual(added, locked, "even an empty new module counts");
    await Deno.writeTextFile(join(dir, "core", "b.ts"), "");
    assert.notEqual(await sourceDigest(dir), added, "the ground floor the sidecar imports counts");
    const withCore = await sourceDigest(dir);
    await Deno.writeTextFile(join(dir, "src", "c.ts"), "");
    assert.equal(await sourceDigest(dir), withCore, "the host application does not count");
    await Deno.mkdir(join(dir, "src", "images"));
    await Deno.writeTextFile(join(dir, "src", "images", "_latin1_comments.ts"), "");
    assert.notEqual(
      await sourceDigest(dir),
      withCore,
      "the code that rewrites the bundle's output counts",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundleSidecar() refuses an output name without .js, which would change the format", async () => {
  await assert.rejects(
    bundleSidecar("/tmp/sidecar.bundle", { root: "/nonexistent" }),
    (err) => err instanceof RangeError && /the file name must end in "\.js"$/.test(err.message),
  );
});

Deno.test("bundleSidecar() writes a bundle of one-byte characters that loads", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-bundle-" });
  try {
    const output = join(dir, "sidecar.js");
    await bundleSidecar(output, { root: new URL("../../", import.meta.url).pathname });
    const text = await Deno.readTextFile(output);
    const wide = /[\u0100-\uffff]/.exec(text);
    assert.equal(wide, null, `a character V8 cannot store one-byte: ${JSON.stringify(wide?.[0])}`);
    // The image's build loads it the same way (--warm-cache, no permissions).
    const loaded = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-prompt", "--no-config", output, "--warm-cache"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(loaded.success, new TextDecoder().decode(loaded.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
