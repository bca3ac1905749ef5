import assert from "node:assert/strict";
import { UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome, testMetadata } from "../lifecycle/testing/mod.ts";
import { commitCommand } from "./commit.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("commitCommand() prints the image ref alone on stdout and preserves the state", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const state = new BottleState(home.paths, "dev-1");
  await state.create(testMetadata("dev-1", { agent: "dev", bottle: "base", label: "dev" }));
  const ctx = capturedContext(home.env);
  assert.equal(await commitCommand(ctx, { registry: fakeRegistry(docker) }), 0);
  assert.equal(ctx.out, "memory/committed-dev-1:1\n");
  assert.match(ctx.err, /dev-1 preserved; the next resume boots memory\/committed-dev-1:1/);
  assert.equal(await state.preserved(), true);
});

Deno.test("commitCommand() without a slug and without a running bottle is a usage error", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(
    commitCommand(ctx, { registry: fakeRegistry(new FakeBackend()) }),
    UsageError,
  );
  assert.equal(ctx.out, "");
});
