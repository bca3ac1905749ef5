import assert from "node:assert/strict";
import { join } from "node:path";
import { commandFiles } from "./compile.ts";

const ROOT = new URL("..", import.meta.url).pathname;
const LOAD = /loadCommand<\s*typeof import\("([^"]+)"\)\s*>\(\s*"([^"]+)",?\s*\)/g;

Deno.test("commandFiles() includes every file the CLI loads by a computed specifier", async () => {
  const included = new Set(await commandFiles());
  const loaded: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, "src", "cli"))) {
    if (!entry.name.endsWith(".ts")) continue;
    const source = await Deno.readTextFile(join(ROOT, "src", "cli", entry.name));
    for (const [, typed, file] of source.matchAll(LOAD)) {
      // The type names the module that is loaded, or the command would be typed as another one.
      assert.equal(typed, file, `${entry.name}: loadCommand types ${typed} but loads ${file}`);
      loaded.push(join("src", "cli", file!));
    }
  }
  assert.ok(loaded.length >= 15, `only ${loaded.length} lazily loaded commands found`);
  for (const file of loaded) {
    assert.ok(included.has(file), `${file} is loaded lazily but not included in the binary`);
  }
  assert.ok(!included.has(join("src", "cli", "mod_test.ts")), "tests stay out of the binary");
});
