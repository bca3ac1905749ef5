import assert from "node:assert/strict";
import { join } from "node:path";

/** `deno lint` over a throwaway project that uses this plugin (copied, so its root is the temp). */
async function lint(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "bb-lint-" });
  try {
    await Deno.mkdir(join(root, "tools"));
    for (const name of ["lint_plugin.ts", "floors.ts"]) {
      await Deno.copyFile(new URL(name, import.meta.url), join(root, "tools", name));
    }
    await Deno.writeTextFile(
      join(root, "deno.json"),
      JSON.stringify({ lint: { plugins: ["./tools/lint_plugin.ts"] } }),
    );
    for (const [path, text] of Object.entries(files)) {
      await Deno.mkdir(join(root, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(root, path), text);
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["lint", "core", "src"],
      cwd: root,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("the floors lint rule refuses an import back up a floor, static or dynamic", async () => {
  const output = await lint({
    "src/y/mod.ts": "export const Y = 1;\n",
    "core/x/mod.ts": 'import { Y } from "../../src/y/mod.ts";\nexport const X = Y;\n' +
      'export const Z = () => import("../../src/y/mod.ts");\n',
    "src/z/mod.ts": 'import { X } from "../../core/x/mod.ts";\nexport const W = X;\n',
  });
  const floors = output.split("\n").filter((line) => line.includes("bot-bottle/floors"));
  assert.equal(floors.length, 2, output);
  assert.match(floors[0]!, /core\/ may not import src\/y\/mod\.ts \(src\/\)/);
  assert.ok(!output.includes("src/z/mod.ts"), "an import down a floor is fine");
});
