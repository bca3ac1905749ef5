import assert from "node:assert/strict";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "../lifecycle/testing/mod.ts";
import { execCommand } from "./exec.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("execCommand() exits with the command's code; a terminal only when stdin is one", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ onExec: () => 4 });
  docker.addRunning("dev-1");
  const registry = fakeRegistry(docker);
  const command = ["ls", "-la"];
  assert.equal(
    await execCommand(capturedContext(home.env), { slug: "dev-1", command, registry }),
    4,
  );
  const tty = capturedContext(home.env, { tty: true });
  assert.equal(await execCommand(tty, { slug: "dev-1", command, registry }), 4);
  assert.deepEqual(docker.calls, ["exec dev-1 ls -la", "exec dev-1 ls -la (tty)"]);
});

Deno.test("execCommand() needs a command and a running bottle", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const ctx = capturedContext(home.env);
  const registry = fakeRegistry(docker);
  await assert.rejects(
    execCommand(ctx, { slug: "dev-1", command: [], registry }),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message === "no command given: bot-bottle exec dev-1 -- <cmd…>",
  );
  await assert.rejects(
    execCommand(ctx, { slug: "dev-2", command: ["ls"], registry }),
    (err: unknown) =>
      err instanceof NotFoundError && err.message === 'No running bottle "dev-2" (running: dev-1)',
  );
  assert.deepEqual(docker.calls, []);
});
