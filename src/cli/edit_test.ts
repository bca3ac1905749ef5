import assert from "node:assert/strict";
import { join } from "node:path";
import { ManifestError, UsageError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { runCli } from "./mod.ts";
import { capturedContext } from "./_testing.ts";

const GOOD = "---\nbottle: b\n---\nThe edited prompt.\n";
const BROKEN = "---\nbottle: b\nbotle: c\n---\n";
const BEFORE = "---\nbottle: b\n---\nThe first prompt.\n";

/** A fake $EDITOR: its n-th run writes the n-th text (the last one from then on). */
async function fakeEditor(dir: string, texts: string[], exitCode = 0): Promise<string> {
  const script = join(dir, "editor.sh");
  const counter = join(dir, "editor.count");
  const cases = texts.map((text, i) =>
    `${i + 1}) printf '%s' '${text.replaceAll("'", "'\\''")}' > "$1" ;;`
  ).join("\n");
  await Deno.writeTextFile(
    script,
    `n=$(cat '${counter}' 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > '${counter}'\n` +
      `[ "$n" -gt ${texts.length} ] && n=${texts.length}\ncase "$n" in\n${cases}\nesac\nexit ${exitCode}\n`,
  );
  return `/bin/sh ${script}`;
}

async function home() {
  const h = await tempBotHome();
  await h.write("bottles/b.md", "---\nagent_provider: {template: shell}\n---\n");
  const agent = await h.write("agents/a.md", BEFORE);
  return Object.assign(h, { agent });
}

Deno.test("edit reopens after a broken save (reported with its position), then keeps the good one", async () => {
  await using h = await home();
  const ctx = capturedContext({ ...h.env, EDITOR: await fakeEditor(h.paths.root, [BROKEN, GOOD]) });
  assert.equal(await runCli(["edit", "a"], ctx), 0);
  assert.equal(await Deno.readTextFile(h.agent), GOOD);
  assert.match(ctx.err, new RegExp(`${h.agent}:3:1: .*unknown key "botle".*reopening`));
  assert.match(ctx.out, /a\.md: valid/);
});

Deno.test("edit restores the previous file when a save stays broken", async () => {
  await using h = await home();
  const ctx = capturedContext({ ...h.env, EDITOR: await fakeEditor(h.paths.root, [BROKEN]) });
  await assert.rejects(runCli(["edit", "a"], ctx), (err: unknown) => {
    assert.ok(err instanceof ManifestError);
    assert.equal(err.file, h.agent);
    assert.equal(err.line, 3);
    assert.match(err.message, /kept the previous file/);
    return true;
  });
  assert.equal(await Deno.readTextFile(h.agent), BEFORE);
});

Deno.test("edit restores the previous file when the editor fails", async () => {
  await using h = await home();
  const editor = await fakeEditor(h.paths.root, [GOOD], 3);
  await assert.rejects(
    runCli(["edit", "a"], capturedContext({ ...h.env, EDITOR: editor })),
    /exited 3; kept the previous file/,
  );
  assert.equal(await Deno.readTextFile(h.agent), BEFORE);
});

Deno.test("edit edits a bottle when no agent has the name, and needs EDITOR", async () => {
  await using h = await home();
  const bottle = "---\nagent_provider: {template: shell}\nsupervise: false\n---\n";
  const ctx = capturedContext({ ...h.env, EDITOR: await fakeEditor(h.paths.root, [bottle]) });
  assert.equal(await runCli(["edit", "b"], ctx), 0);
  assert.equal(await Deno.readTextFile(join(h.paths.bottles, "b.md")), bottle);
  await assert.rejects(runCli(["edit", "a"], capturedContext(h.env)), UsageError);
  await assert.rejects(
    runCli(["edit", "zz"], capturedContext({ ...h.env, EDITOR: "true" })),
    /no agent or bottle named "zz"/,
  );
});
