import assert from "node:assert/strict";
import { join } from "node:path";
import { writeFileAtomic } from "./mod.ts";

async function names(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

Deno.test("writeFileAtomic() creates and replaces a file with exactly the mode asked for", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = join(dir, "routes.yaml");
    await writeFileAtomic(path, "one\n", { mode: 0o644 });
    await writeFileAtomic(path, new TextEncoder().encode("two\n"), { mode: 0o600 });
    assert.equal(await Deno.readTextFile(path), "two\n");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.deepEqual(await names(dir), ["routes.yaml"], "no temp file is left");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeFileAtomic() that fails leaves the previous content and no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // A directory in the file's place: the rename fails after the bytes were written.
    const path = join(dir, "taken");
    await Deno.mkdir(path);
    await Deno.writeTextFile(join(path, "inside"), "kept");
    await assert.rejects(
      writeFileAtomic(path, "new", { mode: 0o600 }),
      (err: Error) => err.message.startsWith(`Cannot write ${path}: `) && err.cause !== undefined,
    );
    assert.deepEqual(await names(dir), ["taken"]);
    assert.equal(await Deno.readTextFile(join(path, "inside")), "kept");
    const missing = join(dir, "no-such-dir", "file");
    await assert.rejects(
      writeFileAtomic(missing, "x", { mode: 0o600 }),
      /Cannot write .*no-such-dir/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
