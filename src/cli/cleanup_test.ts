import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "../lifecycle/testing/mod.ts";
import { cleanupCommand } from "./cleanup.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("cleanupCommand() without a terminal needs --yes and removes nothing", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ leftovers: [{ kind: "container", name: "c1", slug: "old-1" }] });
  const ctx = capturedContext(home.env);
  await assert.rejects(
    cleanupCommand(ctx, { yes: false, registry: fakeRegistry(docker) }),
    (err: unknown) =>
      err instanceof UsageError && err.message === "no terminal to confirm the cleanup: pass --yes",
  );
  assert.deepEqual(docker.cleaned, []);
});

Deno.test("cleanupCommand() --yes prints one combined plan and removes it", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [
      { kind: "container", name: "bot-bottle-old-1", slug: "old-1" },
      { kind: "network", name: "bot-bottle-net-old-1", slug: "old-1" },
    ],
  });
  await new BottleState(home.paths, "old-1").create({
    slug: "old-1",
    agent: "dev",
    bottle: "base",
    backend: "docker",
    label: "dev",
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
  });
  const ctx = capturedContext(home.env);
  assert.equal(await cleanupCommand(ctx, { yes: true, registry: fakeRegistry(docker) }), 0);
  assert.equal(
    ctx.out,
    "Cleanup plan\n\n" +
      "  container: bot-bottle-old-1  (docker)\n" +
      "  network:   bot-bottle-net-old-1  (docker)\n" +
      `  state:     ${home.paths.stateDir("old-1")}\n` +
      "Removed 3 of 3.\n",
  );
  assert.equal(docker.cleaned.length, 2);
  assert.deepEqual(await home.tree(), ["state"]);
});

Deno.test("cleanupCommand() reports failed steps as warnings and exits 1", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    leftovers: [{ kind: "network", name: "n1", slug: "old-1" }],
    cleanupWarnings: ["could not remove network n1: in use"],
  });
  const ctx = capturedContext(home.env);
  assert.equal(await cleanupCommand(ctx, { yes: true, registry: fakeRegistry(docker) }), 1);
  assert.match(ctx.err, /warning: could not remove network n1: in use/);
});

Deno.test("cleanupCommand() with nothing to do says so", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  assert.equal(
    await cleanupCommand(ctx, { yes: true, registry: fakeRegistry(new FakeBackend()) }),
    0,
  );
  assert.equal(ctx.out, "Nothing to clean up.\n");
});
