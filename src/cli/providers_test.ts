import assert from "node:assert/strict";
import { join } from "node:path";
import { ManifestError, NotFoundError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { runCli } from "./mod.ts";
import { capturedContext } from "./_testing.ts";

/** The example plugin shipped in the repository. */
const PI = new URL("../../contrib/pi/", import.meta.url);

async function installPi(contrib: string, name = "pi"): Promise<string> {
  const dir = join(contrib, name);
  await Deno.mkdir(dir, { recursive: true });
  for (const file of ["provider.yaml", "Dockerfile"]) {
    await Deno.copyFile(new URL(file, PI), join(dir, file));
  }
  return dir;
}

async function installBroken(contrib: string): Promise<string> {
  const dir = join(contrib, "broken");
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(
    join(dir, "provider.yaml"),
    "description: x\nuser: root\nworkdir: /home/agent/workspace\ncommand: [x]\n",
  );
  await Deno.writeTextFile(join(dir, "Dockerfile"), "FROM debian\n");
  return dir;
}

Deno.test("list shows built-in providers and plugins; a broken plugin is listed with its error", async () => {
  await using home = await tempBotHome();
  const pi = await installPi(home.paths.contrib);
  const broken = await installBroken(home.paths.contrib);
  const ctx = capturedContext(home.env);
  assert.equal(await runCli(["list"], ctx), 0);
  assert.match(ctx.out, /No agents yet/);
  assert.match(ctx.out, /Providers\n\n/);
  assert.match(ctx.out, /claude: +built in +Claude Code/);
  assert.match(ctx.out, new RegExp(`pi: +plugin ${pi} +pi coding agent`));
  assert.match(
    ctx.out,
    new RegExp(`broken: +broken: ${broken}/provider.yaml:2:7: Cannot load provider "broken": `),
  );
  const json = capturedContext(home.env);
  assert.equal(await runCli(["list", "providers", "--json"], json), 0);
  const entries = JSON.parse(json.out) as { name: string; error?: { line: number } }[];
  assert.deepEqual(entries.map((e) => e.name), ["claude", "codex", "shell", "broken", "pi"]);
  assert.equal(entries.find((e) => e.name === "broken")?.error?.line, 2);
  const agents = capturedContext(home.env);
  await runCli(["list", "--json"], agents);
  assert.deepEqual(JSON.parse(agents.out), [], "list --json still lists agents only");
});

Deno.test("list prints the built-ins alike with and without plugins (two paths, one output)", async () => {
  const builtins = async (withPlugin: boolean) => {
    await using home = await tempBotHome();
    if (withPlugin) await installPi(home.paths.contrib);
    const ctx = capturedContext(home.env);
    assert.equal(await runCli(["list"], ctx), 0);
    return ctx.out.split("\n").filter((line) => /^ {2}(claude|codex|shell):/.test(line));
  };
  const alone = await builtins(false);
  assert.deepEqual(alone, [
    "  claude: built in  Claude Code (Anthropic)",
    "  codex:  built in  Codex CLI (OpenAI)",
    "  shell:  built in  A plain shell, no credentials",
  ]);
  assert.deepEqual(await builtins(true), alone);
});

Deno.test("info <provider> shows a plugin with its folder, and a built-in", async () => {
  await using home = await tempBotHome();
  const pi = await installPi(home.paths.contrib);
  const ctx = capturedContext(home.env);
  assert.equal(await runCli(["info", "pi"], ctx), 0);
  assert.match(ctx.out, /^Provider pi\n\n/);
  assert.match(ctx.out, new RegExp(`source: +${pi}\n`));
  assert.match(
    ctx.out,
    /credential: +x-api-key, placeholder in ANTHROPIC_API_KEY; host variable: PI_ANTHROPIC_API_KEY/,
  );
  assert.match(ctx.out, /routes: +api.anthropic.com \[credential: auth_token\]/);
  const builtin = capturedContext(home.env);
  assert.equal(await runCli(["info", "claude"], builtin), 0);
  assert.match(builtin.out, /source: +built in \(file:.*\/images\/claude\/\)/);
  await assert.rejects(runCli(["info", "nope"], capturedContext(home.env)), NotFoundError);
  await installBroken(home.paths.contrib);
  await assert.rejects(
    runCli(["info", "broken"], capturedContext(home.env)),
    (err: unknown) => err instanceof ManifestError && err.line === 2,
  );
});

Deno.test("info <agent> names a plugin provider's folder", async () => {
  await using home = await tempBotHome();
  const pi = await installPi(home.paths.contrib);
  await home.write("bottles/b.md", "---\nagent_provider: {template: pi}\n---\n");
  await home.write("agents/a.md", "---\nbottle: b\n---\nHi.\n");
  const ctx = capturedContext(home.env);
  assert.equal(await runCli(["info", "a"], ctx), 0);
  assert.match(ctx.out, new RegExp(`provider: +pi \\(plugin ${pi}\\)`));
  assert.match(ctx.out, /egress: +api.anthropic.com \[auth:x-api-key\]/);
});

Deno.test("doctor validates every plugin: ok for a good one, fail with the position for a broken one", async () => {
  await using home = await tempBotHome();
  await installPi(home.paths.contrib);
  const broken = await installBroken(home.paths.contrib);
  const ctx = capturedContext({ ...home.env, PATH: join(home.paths.root, "empty") });
  await runCli(["doctor"], ctx);
  assert.match(ctx.out, /ok: provider pi: plugin in /);
  assert.match(ctx.out, new RegExp(`fail: provider broken: ${broken}/provider.yaml:2:7: `));
});
