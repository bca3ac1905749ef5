import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError, ManifestError, NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { loadAgent } from "../manifest/mod.ts";
import { runCli } from "./mod.ts";
import { capturedContext } from "./_testing.ts";

const PI = new URL("../../contrib/pi/", import.meta.url);

Deno.test("init --provider claude writes a bottle and an agent that load", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  const argv = ["init", "--provider", "claude", "--auth-token", "CLAUDE_TOKEN"];
  assert.equal(await runCli([...argv, "--host", "example.com"], ctx), 0);
  assert.match(ctx.out, /wrote .*bottles\/claude\.md\nwrote .*agents\/claude\.md\n/);
  const agent = await loadAgent("claude", { home: home.paths.root, cwd: "/" });
  assert.equal(agent.bottle.agentProvider.authToken, "CLAUDE_TOKEN");
  assert.deepEqual(agent.bottle.egress.routes.map((r) => r.host), [
    "api.anthropic.com",
    "example.com",
  ]);
});

Deno.test("init --provider <plugin> works for a contrib plugin and names its host variable", async () => {
  await using home = await tempBotHome();
  const dir = join(home.paths.contrib, "pi");
  await Deno.mkdir(dir, { recursive: true });
  for (const f of ["provider.yaml", "Dockerfile"]) {
    await Deno.copyFile(new URL(f, PI), join(dir, f));
  }
  const ctx = capturedContext(home.env);
  assert.equal(await runCli(["init", "--provider", "pi", "--name", "helper"], ctx), 0);
  assert.match(ctx.out, /next: export PI_ANTHROPIC_API_KEY on the host/);
  const agent = await loadAgent("helper", { home: home.paths.root, cwd: "/" });
  assert.equal(agent.bottle.name, "helper");
  assert.equal(agent.bottle.agentProvider.plugin?.name, "pi");
});

Deno.test("init refuses to overwrite an existing bottle or agent", async () => {
  await using home = await tempBotHome();
  const existing = await home.write("agents/shell.md", "mine\n");
  await assert.rejects(
    runCli(["init", "--provider", "shell"], capturedContext(home.env)),
    (err: unknown) => err instanceof ConfigError && err.message.includes("already exists"),
  );
  assert.equal(await Deno.readTextFile(existing), "mine\n");
  await assert.rejects(Deno.stat(join(home.paths.bottles, "shell.md")), Deno.errors.NotFound);
});

Deno.test("init refuses unknown providers and bad names, and leaves nothing when the starter does not load", async () => {
  await using home = await tempBotHome();
  await assert.rejects(
    runCli(["init", "--provider", "claud"], capturedContext(home.env)),
    (err: unknown) => err instanceof NotFoundError && /did you mean "claude"/.test(err.message),
  );
  await assert.rejects(
    runCli(["init", "--provider", "shell", "--name", "Bad"], capturedContext(home.env)),
    UsageError,
  );
  await assert.rejects(
    runCli(["init", "--provider", "shell", "--auth-token", "T"], capturedContext(home.env)),
    (err: unknown) => err instanceof ManifestError && /auth_token/.test(err.message),
  );
  assert.deepEqual([...Deno.readDirSync(home.paths.bottles)], []);
  assert.deepEqual([...Deno.readDirSync(home.paths.agents)], []);
});
