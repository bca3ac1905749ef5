import assert from "node:assert/strict";
import { NotFoundError } from "../../core/errors/mod.ts";
import { execInBottle } from "./mod.ts";
import { FakeBackend, fakeRegistry } from "./testing/mod.ts";

Deno.test("execInBottle() runs the command in the bottle and returns its exit code", async () => {
  const docker = new FakeBackend({ onExec: () => 7 });
  docker.addRunning("dev-1");
  const code = await execInBottle("dev-1", {
    registry: fakeRegistry(docker),
    command: ["git", "status"],
    tty: true,
  });
  assert.equal(code, 7);
  assert.deepEqual(docker.calls, ["exec dev-1 git status (tty)"]);
});

Deno.test("execInBottle() names the running bottles when the slug is not running", async () => {
  const docker = new FakeBackend();
  await assert.rejects(
    execInBottle("dev-1", { registry: fakeRegistry(docker), command: ["ls"], tty: false }),
    (err: unknown) =>
      err instanceof NotFoundError && err.message === 'No running bottle "dev-1" (running: none)',
  );
  assert.deepEqual(docker.calls, []);
});
