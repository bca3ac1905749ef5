import assert from "node:assert/strict";
import { join } from "node:path";
import { UsageError } from "../../core/errors/mod.ts";
import { copyOut } from "./mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "./testing/mod.ts";

Deno.test("copyOut() gives up a copy whose agent container stopped mid-stream and keeps nothing", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({
    onExec: async (slug, _argv, options) => {
      // Half a tar header goes out, then the agent is killed and the exec never returns.
      const writer = options.stdout!.getWriter();
      await writer.write(new TextEncoder().encode("dist/".padEnd(300, "\0")));
      writer.releaseLock();
      docker.world.objects.get(`memory-agent-${slug}`)!.state = "exited";
      return await new Promise<number>(() => {});
    },
  });
  docker.addRunning("dev-1");
  const out = join(home.paths.root, "out");
  await Deno.mkdir(out);
  await assert.rejects(
    copyOut("dev-1", "dist", out, { registry: fakeRegistry(docker), checkMs: 20 }),
    (err: unknown) =>
      err instanceof UsageError &&
      err.message === "cp: the agent container of dev-1 stopped during the copy",
  );
  assert.deepEqual([...Deno.readDirSync(out)], [], "no copy and no staging folder left");
});
