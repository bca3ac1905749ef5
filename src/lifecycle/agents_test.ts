import assert from "node:assert/strict";
import { NotFoundError } from "../../core/errors/mod.ts";
import { agentChoices, resolveAgent } from "./mod.ts";
import { tempBotHome } from "./testing/mod.ts";

Deno.test("agentChoices() offers the built-in demo only when there are no agents", async () => {
  await using home = await tempBotHome();
  const opts = { home: home.paths.root, cwd: home.paths.root };
  assert.deepEqual((await agentChoices(opts)).names, ["demo"]);
  await home.write("agents/dev.md", "---\nbottle: base\n---\n");
  assert.deepEqual((await agentChoices(opts)).names, ["dev"]);
});

Deno.test("resolveAgent() gives the built-in demo unless the user has an agent named demo", async () => {
  await using home = await tempBotHome();
  const opts = { home: home.paths.root, cwd: home.paths.root };
  await home.write("agents/dev.md", "---\nbottle: base\n---\n");
  assert.equal((await resolveAgent("demo", opts)).path, "<built-in demo>");
  await home.write("bottles/base.md", "---\nagent_provider: {template: shell}\n---\n");
  await home.write("agents/demo.md", "---\nbottle: base\n---\nMine.\n");
  const mine = await resolveAgent("demo", opts);
  assert.equal(mine.prompt, "Mine.");
  await assert.rejects(resolveAgent("nope", opts), NotFoundError);
});
