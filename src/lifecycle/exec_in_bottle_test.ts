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
    warn: (line) => assert.fail(line),
  });
  assert.equal(code, 7);
  assert.deepEqual(docker.calls, ["exec dev-1 git status (tty)"]);
});

Deno.test("execInBottle() names the running bottles when the slug is not running", async () => {
  const docker = new FakeBackend();
  await assert.rejects(
    execInBottle("dev-1", {
      registry: fakeRegistry(docker),
      command: ["ls"],
      tty: false,
      warn: () => {},
    }),
    (err: unknown) =>
      err instanceof NotFoundError && err.message === 'No running bottle "dev-1" (running: none)',
  );
  assert.deepEqual(docker.calls, []);
});

Deno.test("execInBottle() runs the command in a broken bottle after saying it is broken", async () => {
  const docker = new FakeBackend({ onExec: () => 0 });
  docker.addRunning("dev-1", ["agent:running", "sidecar:exited"]);
  const warned: string[] = [];
  const code = await execInBottle("dev-1", {
    registry: fakeRegistry(docker),
    command: ["ls"],
    tty: false,
    warn: (line) => warned.push(line),
  });
  assert.equal(code, 0);
  assert.deepEqual(warned, [
    "bottle dev-1 is broken (agent:running, sidecar:exited); to keep its " +
    "work: bot-bottle commit dev-1, bot-bottle stop dev-1, then bot-bottle resume dev-1; " +
    "or bot-bottle cleanup removes it",
  ]);
  assert.deepEqual(docker.calls, ["exec dev-1 ls"]);
});

/** `exec` into dev-1 with the agent checked every 10 ms: its exit code and its warnings. */
async function execWatching(
  docker: FakeBackend,
  command: string[],
): Promise<{ code: number; warned: string[] }> {
  const warned: string[] = [];
  const code = await execInBottle("dev-1", {
    registry: fakeRegistry(docker),
    command,
    tty: false,
    warn: (line) => warned.push(line),
    checkMs: 10,
  });
  return { code, warned };
}

Deno.test("execInBottle() gives up a command whose agent container stopped under it (137) and says so", async () => {
  const docker = new FakeBackend({
    onExec: (slug) => {
      // The agent is killed; like `docker exec` into a gone gVisor sandbox, the exec hangs.
      docker.world.objects.get(`memory-agent-${slug}`)!.state = "exited";
      return new Promise<number>(() => {});
    },
  });
  docker.addRunning("dev-1");
  const { code, warned } = await execWatching(docker, ["make"]);
  assert.equal(code, 137);
  assert.deepEqual(warned, [
    "the agent container of bottle dev-1 stopped; the command was given up",
  ]);
});

Deno.test("execInBottle() lets a command in a bottle whose sidecar is down run to its end", async () => {
  const docker = new FakeBackend({
    onExec: async () => {
      // Several checks go by: only the agent counts, and it runs.
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 3;
    },
  });
  docker.addRunning("dev-1", ["agent:running", "sidecar:exited"]);
  const { code, warned } = await execWatching(docker, ["ls"]);
  assert.equal(code, 3);
  assert.equal(warned.length, 1, "only the broken-bottle warning");
  assert.match(warned[0]!, /^bottle dev-1 is broken/);
});
