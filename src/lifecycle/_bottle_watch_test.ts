import assert from "node:assert/strict";
import type { Backend } from "../../backends/mod.ts";
import { demoAgent } from "../plan/mod.ts";
import {
  BottleState,
  InterruptedError,
  manualInterrupts,
  metadataFor,
  planBottle,
  runBottle,
} from "./mod.ts";
import { type BottleLoss, watchBottle } from "./_bottle_watch.ts";
import { FakeBackend, type FakeBehaviour, type TempBotHome, tempBotHome } from "./testing/mod.ts";

const SLUG = "demo-5a5b5c";

function setup(home: TempBotHome, behaviour: FakeBehaviour) {
  const backend = new FakeBackend(behaviour);
  const agent = demoAgent();
  const { plan } = planBottle(agent, {
    backend,
    slug: SLUG,
    label: "demo",
    cwd: "/repo",
    paths: home.paths,
    hostEnv: {},
    command: ["work"],
  });
  const log = { info: [] as string[], warn: [] as string[] };
  const options = {
    backend,
    env: agent.bottle.env,
    metadata: metadataFor(plan, { backend, now: new Date("2025-01-01T00:00:00Z") }),
    paths: home.paths,
    hostEnv: {},
    askSecret: () => Promise.resolve(""),
    log: {
      info: (line: string) => log.info.push(line),
      warn: (line: string) => log.warn.push(line),
    },
    detach: false,
    tty: false,
    interrupts: manualInterrupts(),
    sidecarCheckMs: 40,
  };
  return { backend, plan, log, options, state: new BottleState(home.paths, SLUG) };
}

/** Until `done()` holds, checking every 10 ms; fails after 5 s. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("runBottle() tears down a bottle whose sidecar stopped, keeps its state and says how to resume", async () => {
  await using home = await tempBotHome();
  const { backend, plan, log, options, state } = setup(home, {
    onExec: async (slug, argv) => {
      if (argv[0] !== "work") return 0;
      // The sidecar dies under a running command; the command only ends with its bottle.
      backend.world.objects.get(`memory-sidecar-${slug}`)!.state = "exited";
      await until(() => backend.calls.includes(`stop ${slug}`));
      return 137;
    },
  });
  const outcome = await runBottle(plan, options);
  assert.deepEqual(outcome, { code: 137, kept: true });
  assert.equal(log.warn.length, 1, log.warn.join("\n"));
  assert.match(
    log.warn[0]!,
    new RegExp(`^the sidecar of bottle ${SLUG} stopped; the agent has no egress left`),
  );
  assert.equal(
    log.info.at(-1),
    `agent exited with 137; state kept in ${state.dir}; resume with: bot-bottle resume ${SLUG}`,
  );
  assert.deepEqual(backend.calls, [
    `launch ${SLUG}`,
    `exec ${SLUG} work`,
    // The workspace is saved for resume before the bottle goes, then it is stopped once.
    `exec ${SLUG} tar --create --file=- --directory /home/agent --ignore-failed-read workspace`,
    `stop ${SLUG}`,
  ]);
  assert.deepEqual(backend.world.of(SLUG), [], "the bottle's objects are gone");
  assert.equal((await state.read()).slug, SLUG);
});

Deno.test("runBottle() tears down a bottle whose agent container stopped under a command that never returns", async () => {
  await using home = await tempBotHome();
  const { backend, plan, log, options, state } = setup(home, {
    onExec: async (slug, argv) => {
      if (argv[0] !== "work") return 0;
      // The agent is killed; like `docker exec` into a gone gVisor sandbox, the exec hangs.
      backend.world.objects.get(`memory-agent-${slug}`)!.state = "exited";
      return await new Promise<number>(() => {});
    },
  });
  const outcome = await runBottle(plan, options);
  assert.deepEqual(outcome, { code: 137, kept: true });
  assert.equal(
    log.warn[0],
    `the agent container of bottle ${SLUG} stopped; the bottle is being torn down`,
  );
  // The workspace cannot be saved from a stopped agent: said, and the teardown goes on.
  assert.match(log.warn[1] ?? "", /^the workspace was not saved: /);
  assert.equal(
    log.info.at(-1),
    `agent exited with 137; state kept in ${state.dir}; resume with: bot-bottle resume ${SLUG}`,
  );
  assert.deepEqual(backend.world.of(SLUG), [], "the bottle's objects are gone");
  assert.equal((await state.read()).slug, SLUG);
});

Deno.test("runBottle() keeps the state even when the command exits 0 after its sidecar stopped", async () => {
  await using home = await tempBotHome();
  let exited = false;
  const { backend, plan, log, options, state } = setup(home, {
    onExec: async (slug, argv) => {
      if (argv[0] !== "work") return 0;
      backend.world.objects.get(`memory-sidecar-${slug}`)!.state = "exited";
      await until(() => log.warn.length > 0);
      exited = true;
      return 0;
    },
    // The command exits on its own while its bottle is still being torn down.
    onStop: () => until(() => exited),
  });
  const outcome = await runBottle(plan, options);
  assert.deepEqual(outcome, { code: 1, kept: true });
  assert.equal(backend.calls.filter((call) => call === `stop ${SLUG}`).length, 1);
  assert.equal((await state.read()).slug, SLUG);
});

Deno.test("runBottle() does not report its own teardown as a lost sidecar", async () => {
  await using home = await tempBotHome();
  const { plan, log, options } = setup(home, {
    onExec: async (_slug, argv) => {
      // Long enough for several checks of a running sidecar.
      if (argv[0] === "work") await new Promise((resolve) => setTimeout(resolve, 200));
      return 0;
    },
  });
  assert.deepEqual(await runBottle(plan, options), { code: 0, kept: false });
  // Teardown stops the sidecar; nothing may be watching by then.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.deepEqual(log.warn, []);
});

/** A backend whose sidecar (or agent) answers from a script, then `running` for ever. */
function scripted(
  answers: (boolean | Error)[],
  role: BottleLoss["role"] = "sidecar",
): { backend: Backend; asked: () => number } {
  let asked = 0;
  let agentRunning = true;
  const backend = {
    sidecarStatus: () => {
      const answer = answers[asked++] ?? true;
      if (answer instanceof Error) return Promise.reject(answer);
      if (role === "agent") agentRunning = answer;
      return Promise.resolve({
        running: role === "agent" || answer,
        logs: "[egress] one\n[egress] last line\n",
      });
    },
    enumerateActive: () =>
      Promise.resolve([{
        backend: "docker",
        slug: SLUG,
        label: "demo",
        agent: "demo",
        services: [`agent:${agentRunning ? "running" : "exited"}`, "sidecar:running"],
      }]),
  } as unknown as Backend;
  return { backend, asked: () => asked };
}

Deno.test("watchBottle() reports a sidecar seen stopped twice in a row, once, with its last log line", async () => {
  const { backend, asked } = scripted([true, false, false, false, false]);
  const lost: BottleLoss[] = [];
  using _watch = watchBottle(backend, SLUG, { intervalMs: 20, onLost: (l) => lost.push(l) });
  await until(() => lost.length > 0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(lost, [{ role: "sidecar", lastWords: "[egress] last line" }]);
  assert.equal(asked(), 3, "it stops asking once the loss is reported");
});

Deno.test("watchBottle() reports an agent container seen stopped twice in a row, once", async () => {
  const { backend, asked } = scripted([true, false, true, false, false, false], "agent");
  const lost: BottleLoss[] = [];
  using _watch = watchBottle(backend, SLUG, { intervalMs: 20, onLost: (l) => lost.push(l) });
  await until(() => lost.length > 0);
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(lost, [{ role: "agent", lastWords: "" }]);
  assert.equal(asked(), 5, "one odd answer is not a loss; it stops asking once it reported");
});

Deno.test("watchBottle() ignores one odd answer and an engine that does not answer", async () => {
  const { backend, asked } = scripted([false, true, new Error("engine busy"), false, true]);
  const lost: BottleLoss[] = [];
  {
    using _watch = watchBottle(backend, SLUG, { intervalMs: 20, onLost: (l) => lost.push(l) });
    await until(() => asked() >= 7);
  }
  const seen = asked();
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.deepEqual(lost, []);
  assert.equal(asked(), seen, "disposed, it asks no more");
});

Deno.test("runBottle() does not call the stop that Ctrl-C started a lost sidecar", async () => {
  await using home = await tempBotHome();
  const interrupts = manualInterrupts();
  const { backend, plan, log, options } = setup(home, {
    onExec: async (slug, argv) => {
      if (argv[0] !== "work") return 0;
      interrupts.interrupt();
      // The teardown Ctrl-C started takes the sidecar down first; the command outlives it.
      await until(() => backend.calls.includes(`stop ${slug}`));
      await new Promise((resolve) => setTimeout(resolve, 200));
      return 130;
    },
  });
  await assert.rejects(runBottle(plan, { ...options, interrupts }), InterruptedError);
  assert.deepEqual(log.warn, []);
});
