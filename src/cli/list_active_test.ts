import assert from "node:assert/strict";
import { BottleState } from "../lifecycle/mod.ts";
import { FakeBackend, fakeRegistry, tempBotHome } from "../lifecycle/testing/mod.ts";
import { listActiveCommand } from "./list_active.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("listActiveCommand() shows backend, slug, label (agent) and services", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  const ctx = capturedContext(home.env);
  assert.equal(await listActiveCommand(ctx, { json: false, registry: fakeRegistry(docker) }), 0);
  assert.equal(
    ctx.out,
    "Running bottles\n\n  dev-1: docker  dev-1 (dev)  agent:running, sidecar:running\n",
  );
});

Deno.test("listActiveCommand() --json gives scripts an array, [] when none", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  const ctx = capturedContext(home.env);
  await listActiveCommand(ctx, { json: true, registry: fakeRegistry(docker) });
  docker.addRunning("dev-1");
  await listActiveCommand(ctx, { json: true, registry: fakeRegistry(docker) });
  const [empty, one] = ctx.out.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual(empty, []);
  assert.deepEqual(one, [{
    backend: "docker",
    slug: "dev-1",
    label: "dev-1",
    agent: "dev",
    services: ["agent:running", "sidecar:running"],
    condition: "running",
  }]);
});

Deno.test("listActiveCommand() warns about a backend it cannot ask", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend({ availability: { ok: false, reason: "daemon down" } });
  const ctx = capturedContext(home.env);
  await listActiveCommand(ctx, { json: false, registry: fakeRegistry(docker) });
  assert.equal(ctx.out, "No running bottles found (not every backend could be asked).\n");
  assert.equal(ctx.err, "bot-bottle: warning: backend docker cannot be asked: daemon down\n");
});

Deno.test("listActiveCommand() lists bottles with nothing running apart, as stopped", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  docker.addRunning("dev-2", ["agent:exited", "sidecar:exited"]);
  const ctx = capturedContext(home.env);
  await listActiveCommand(ctx, { json: false, registry: fakeRegistry(docker) });
  assert.equal(
    ctx.out,
    "Running bottles\n\n" +
      "  dev-1: docker  dev-1 (dev)  agent:running, sidecar:running\n" +
      "\nStopped bottles\n\n" +
      "  dev-2: docker  dev-2 (dev)  agent:exited, sidecar:exited\n" +
      "\nNothing runs in a stopped bottle; bot-bottle cleanup removes what is left of it.\n",
  );
  const only = capturedContext(home.env);
  const stoppedOnly = new FakeBackend();
  stoppedOnly.addRunning("dev-4", ["agent:exited", "sidecar:created"]);
  await listActiveCommand(only, { json: false, registry: fakeRegistry(stoppedOnly) });
  assert.match(only.out, /^No running bottles\.\n\nStopped bottles\n\n {2}dev-4: /);
});

Deno.test("listActiveCommand() lists a bottle with a stopped or missing container as broken, saying what to do", async () => {
  await using home = await tempBotHome();
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  docker.addRunning("dev-3", ["agent:running", "sidecar:exited"]);
  docker.addRunning("dev-5", ["agent:exited", "sidecar:running"]);
  docker.addRunning("dev-6", ["agent:running"]);
  // A launch under way: the sidecar is up, the agent not yet.
  docker.addRunning("dev-7", ["sidecar:running"]);
  const ctx = capturedContext(home.env);
  await listActiveCommand(ctx, { json: false, registry: fakeRegistry(docker) });
  const hint = (slug: string) =>
    `${slug}: to keep its work: bot-bottle commit ${slug}, bot-bottle stop ${slug}, then ` +
    `bot-bottle resume ${slug}; or bot-bottle cleanup removes it.\n`;
  assert.equal(
    ctx.out,
    "Running bottles\n\n" +
      "  dev-1: docker  dev-1 (dev)  agent:running, sidecar:running\n" +
      "  dev-7: docker  dev-7 (dev)  sidecar:running\n" +
      "\nBroken bottles\n\n" +
      "  dev-3: docker  dev-3 (dev)  agent:running, sidecar:exited\n" +
      "  dev-5: docker  dev-5 (dev)  agent:exited, sidecar:running\n" +
      "  dev-6: docker  dev-6 (dev)  agent:running\n" +
      "\nA broken bottle cannot work: a stopped sidecar leaves its agent with no egress, a " +
      "stopped agent leaves nothing to run.\n" +
      hint("dev-3") + hint("dev-5") + hint("dev-6"),
  );
  const json = capturedContext(home.env);
  await listActiveCommand(json, { json: true, registry: fakeRegistry(docker) });
  const conditions = (JSON.parse(json.out) as { slug: string; condition: string }[])
    .map((bottle) => `${bottle.slug} ${bottle.condition}`);
  assert.deepEqual(conditions, [
    "dev-1 running",
    "dev-3 broken",
    "dev-5 broken",
    "dev-6 broken",
    "dev-7 running",
  ]);
});

Deno.test("listActiveCommand() paints a label in the color its bottle was started with", async () => {
  await using home = await tempBotHome();
  await new BottleState(home.paths, "dev-1").create({
    slug: "dev-1",
    agent: "dev",
    bottle: "dev",
    backend: "docker",
    label: "dev-1",
    color: "magenta",
    cwd: "/work",
    started_at: "2025-01-02T03:04:05.000Z",
  });
  const docker = new FakeBackend();
  docker.addRunning("dev-1");
  docker.addRunning("dev-2");
  const ctx = capturedContext({ BOT_BOTTLE_HOME: home.env.BOT_BOTTLE_HOME! }, { tty: true });
  await listActiveCommand(ctx, { json: false, registry: fakeRegistry(docker) });
  assert.equal(
    ctx.out,
    "Running bottles\n\n" +
      "  dev-1: docker  \x1b[35mdev-1 (dev)\x1b[39m  agent:running, sidecar:running\n" +
      "  dev-2: docker  dev-2 (dev)  agent:running, sidecar:running\n",
  );
});
