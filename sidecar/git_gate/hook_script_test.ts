import assert from "node:assert/strict";
import { join } from "node:path";
import { writeHookScript } from "./_hook_script.ts";

Deno.test("writeHookScript() writes an executable script that runs exactly the argv", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-hook-" });
  try {
    await writeHookScript(join(dir, "hooks"), ["/bin/echo", "--git-hook", "a=b,c"]);
    const path = join(dir, "hooks", "pre-receive");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o755);
    const out = await new Deno.Command(path, { stdout: "piped" }).output();
    assert.equal(new TextDecoder().decode(out.stdout), "--git-hook a=b,c\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeHookScript() refuses words the script would need to quote", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-hook-" });
  try {
    for (const bad of ["a b", "it's", "$(id)", "a\nb", "`id`", ""]) {
      await assert.rejects(
        writeHookScript(join(dir, "hooks"), ["/bin/echo", bad]),
        /cannot put .* in the hook script/,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
