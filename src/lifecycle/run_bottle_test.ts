import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import { demoAgent } from "../plan/mod.ts";
import {
  BottleState,
  InterruptedError,
  manualInterrupts,
  metadataFor,
  planBottle,
  runBottle,
  type RunBottleOptions,
} from "./mod.ts";
import { FakeBackend, type FakeBehaviour, type TempBotHome, tempBotHome } from "./testing/mod.ts";

const SLUG = "demo-0a0b0c";

function agentWithEnv(): ResolvedAgent {
  const agent = demoAgent();
  agent.bottle.env = {
    GREETING: { kind: "literal", value: "hello" },
    API_TOKEN: { kind: "host", name: "HOST_TOKEN" },
    PASSPHRASE: { kind: "prompt" },
  };
  return agent;
}

/** A run of the demo agent on a fake backend, with its log and interrupts exposed. */
function setup(home: TempBotHome, behaviour: FakeBehaviour = {}, command = ["work"]) {
  const backend = new FakeBackend(behaviour);
  const agent = agentWithEnv();
  const { plan } = planBottle(agent, {
    backend,
    slug: SLUG,
    label: "demo",
    cwd: "/repo",
    paths: home.paths,
    hostEnv: {},
    command,
  });
  const interrupts = manualInterrupts();
  const log = { info: [] as string[], warn: [] as string[] };
  const prompted: string[] = [];
  const options: RunBottleOptions = {
    backend,
    env: agent.bottle.env,
    metadata: metadataFor(plan, { backend, now: new Date("2025-01-01T00:00:00Z") }),
    paths: home.paths,
    hostEnv: { HOST_TOKEN: "tok-123" },
    askSecret: (name) => {
      prompted.push(name);
      return Promise.resolve("typed-secret");
    },
    log: { info: (line) => log.info.push(line), warn: (line) => log.warn.push(line) },
    detach: false,
    tty: false,
    interrupts,
  };
  const state = new BottleState(home.paths, SLUG);
  return { backend, plan, interrupts, log, prompted, options, state };
}

Deno.test("runBottle() runs the command, tears down once and deletes state on exit 0", async () => {
  await using home = await tempBotHome();
  const { backend, plan, interrupts, log, prompted, options, state } = setup(home, {
    onExec: async () => {
      assert.equal(interrupts.listeners, 1, "Ctrl-C is handled while the command runs");
      assert.equal((await state.read()).agent, "demo", "metadata exists while it runs");
      return 0;
    },
  });
  const outcome = await runBottle(plan, options);
  assert.deepEqual(outcome, { code: 0, kept: false });
  assert.deepEqual(backend.calls, [`launch ${SLUG}`, `exec ${SLUG} work`, `stop ${SLUG}`]);
  const agentSecrets = backend.world.secrets.get(`memory-agent-${SLUG}`);
  const canary = backend.world.secrets.get(`memory-sidecar-${SLUG}`)?.BOT_BOTTLE_CANARY;
  assert.match(canary ?? "", /^\S{16,}$/, "the sidecar holds the canary");
  assert.deepEqual(agentSecrets, {
    GREETING: "hello",
    API_TOKEN: "tok-123",
    PASSPHRASE: "typed-secret",
    BOT_BOTTLE_CANARY: canary,
  });
  assert.deepEqual(prompted, ["PASSPHRASE"]);
  assert.equal(await state.exists(), false);
  assert.equal(interrupts.listeners, 0, "signal listeners are removed afterwards");
  assert.deepEqual(log.info.filter((line) => !line.startsWith("memory engine: image")), [
    "creating networks",
    "starting the sidecar",
    "starting the agent",
    "running the isolation self-test",
  ]);
});

Deno.test("runBottle() keeps the state and prints the resume hint on a non-zero exit", async () => {
  await using home = await tempBotHome();
  const written: string[] = [];
  const { backend, plan, log, options, state } = setup(home, {
    onExec: () => {
      written.push("<agent>");
      return 3;
    },
  });
  const outcome = await runBottle(plan, {
    ...options,
    tty: true,
    terminal: (text) => written.push(text),
  });
  assert.deepEqual(outcome, { code: 3, kept: true });
  // The terminal names the bottle while the agent runs, and is reset after.
  assert.deepEqual(written.slice(0, 3), [
    "\x1b]0;bot-bottle: demo\x1b\\",
    "<agent>",
    "\x1b]0;\x1b\\",
  ]);
  assert.deepEqual(backend.calls, [
    `launch ${SLUG}`,
    `exec ${SLUG} work (tty)`,
    // The kept state keeps the workspace for resume (saved before the bottle goes).
    `exec ${SLUG} tar --create --file=- --directory /home/agent --ignore-failed-read workspace`,
    `stop ${SLUG}`,
  ]);
  assert.equal((await state.read()).slug, SLUG);
  assert.equal(await state.preserved(), false, "cleanup may still reap a crash's state");
  assert.equal(
    log.info.at(-1),
    `agent exited with 3; state kept in ${state.dir}; resume with: bot-bottle resume ${SLUG}`,
  );
});

Deno.test("runBottle() keeps preserved state after a clean exit", async () => {
  await using home = await tempBotHome();
  const { plan, log, options, state } = setup(home, {
    onExec: async () => {
      await state.preserve();
      return 0;
    },
  });
  assert.deepEqual(await runBottle(plan, options), { code: 0, kept: true });
  assert.equal(await state.exists(), true);
  assert.match(log.info.at(-1)!, /\(preserved\); resume with: bot-bottle resume demo-0a0b0c$/);
});

Deno.test("runBottle() leaves teardown to a failed launch and removes the state", async () => {
  await using home = await tempBotHome();
  const boom = new Error("self-test failed");
  const { backend, plan, options, state } = setup(home, {
    onLaunch: () => {
      throw boom;
    },
  });
  await assert.rejects(runBottle(plan, options), (err) => err === boom);
  // No stop by slug: the launch removed its own objects, and another bottle on the engine
  // may carry the same slug.
  assert.deepEqual(backend.calls, [`launch ${SLUG}`]);
  assert.equal(await state.exists(), false);
  assert.deepEqual(await home.tree(), ["queue", "state"]);
});

Deno.test("runBottle() keeps a resumed bottle's state when its launch fails", async () => {
  await using home = await tempBotHome();
  const { plan, options, state } = setup(home, {
    onLaunch: () => {
      throw new Error("no engine");
    },
  });
  await state.create(options.metadata);
  await state.preserve();
  await assert.rejects(runBottle(plan, { ...options, resume: true }), /no engine/);
  assert.equal(await state.exists(), true);
  assert.equal(await state.preserved(), true);
});

Deno.test("runBottle() on resume drops .preserve once up, so a clean exit deletes state", async () => {
  await using home = await tempBotHome();
  const { plan, options, state } = setup(home, {
    onExec: async () => {
      assert.equal(await state.preserved(), false);
      return 0;
    },
  });
  await state.create({ ...options.metadata, committed_image: "img:1" });
  await state.preserve();
  assert.deepEqual(await runBottle(plan, { ...options, resume: true }), { code: 0, kept: false });
  assert.equal(await state.exists(), false);
});

Deno.test("runBottle() on Ctrl-C during the launch waits for it, tears down, throws", async () => {
  await using home = await tempBotHome();
  const ctx = { interrupt: () => {} };
  const { backend, plan, interrupts, log, options, state } = setup(home, {
    onLaunch: () => ctx.interrupt(),
  });
  ctx.interrupt = () => interrupts.interrupt();
  await assert.rejects(runBottle(plan, options), InterruptedError);
  assert.deepEqual(backend.calls, [`launch ${SLUG}`, `stop ${SLUG}`], "the command never ran");
  assert.equal(await state.exists(), false);
  assert.equal(interrupts.listeners, 0);
  assert.ok(log.info.includes(`interrupted; stopping bottle ${SLUG}`));
});

Deno.test("runBottle() on Ctrl-C during the command stops the bottle and keeps state", async () => {
  await using home = await tempBotHome();
  const stopped = Promise.withResolvers<void>();
  const hooks = { interrupt: () => {} };
  const { backend, plan, interrupts, log, options, state } = setup(home, {
    onExec: async () => {
      hooks.interrupt();
      await stopped.promise; // the command ends only because its bottle goes
      return 137;
    },
    onStop: () => stopped.resolve(),
  });
  hooks.interrupt = () => {
    interrupts.interrupt();
    interrupts.interrupt(); // a second Ctrl-C changes nothing
  };
  await assert.rejects(runBottle(plan, options), InterruptedError);
  assert.deepEqual(backend.calls, [`launch ${SLUG}`, `exec ${SLUG} work`, `stop ${SLUG}`]);
  assert.equal(await state.exists(), true);
  assert.equal(
    log.info.at(-1),
    `agent exited with 130; state kept in ${state.dir}; resume with: bot-bottle resume ${SLUG}`,
  );
});

Deno.test("runBottle() on Ctrl-C gives up on a command whose exec outlives its bottle", async () => {
  await using home = await tempBotHome();
  const hooks = { interrupt: () => {} };
  const { backend, plan, interrupts, log, options, state } = setup(home, {
    onExec: async () => {
      hooks.interrupt();
      // Like `docker exec` into a gone gVisor sandbox: it never returns.
      return await new Promise<number>(() => {});
    },
  });
  hooks.interrupt = () => interrupts.interrupt();
  await assert.rejects(runBottle(plan, options), InterruptedError);
  assert.deepEqual(backend.calls, [`launch ${SLUG}`, `exec ${SLUG} work`, `stop ${SLUG}`]);
  assert.deepEqual(backend.world.of(SLUG), [], "the bottle's objects are gone");
  assert.equal(await state.exists(), true);
  assert.match(log.info.at(-1) ?? "", new RegExp(`resume with: bot-bottle resume ${SLUG}$`));
});

Deno.test("runBottle() on Ctrl-C at a secret prompt creates nothing", async () => {
  await using home = await tempBotHome();
  const { backend, plan, interrupts, options } = setup(home);
  const run = runBottle(plan, {
    ...options,
    askSecret: (_name, signal) => {
      interrupts.interrupt();
      assert.equal(signal.aborted, true, "the prompt is told to give up");
      return Promise.reject(new InterruptedError());
    },
  });
  await assert.rejects(run, InterruptedError);
  assert.deepEqual(backend.calls, []);
  assert.deepEqual(await home.tree(), []);
});

Deno.test("runBottle() refuses before creating anything when a host variable is missing", async () => {
  await using home = await tempBotHome();
  const { backend, plan, prompted, options } = setup(home);
  await assert.rejects(runBottle(plan, { ...options, hostEnv: {} }), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /HOST_TOKEN \(for API_TOKEN\)/);
    return true;
  });
  assert.deepEqual(prompted, [], "nobody types a secret for a launch that cannot happen");
  assert.deepEqual(backend.calls, []);
  assert.deepEqual(await home.tree(), []);
});

Deno.test("runBottle() with detach leaves the bottle running and its state in place", async () => {
  await using home = await tempBotHome();
  const { backend, plan, interrupts, options, state } = setup(home);
  assert.deepEqual(await runBottle(plan, { ...options, detach: true }), { code: 0, kept: true });
  assert.deepEqual(backend.calls, [`launch ${SLUG}`]);
  assert.deepEqual((await backend.enumerateActive()).map((b) => b.slug), [SLUG]);
  assert.deepEqual(await state.read(), options.metadata);
  assert.equal(interrupts.listeners, 0);
});

Deno.test("runBottle() keeps the state and says so when the teardown fails", async () => {
  await using home = await tempBotHome();
  const { plan, options, state } = setup(home, {
    onStop: () => {
      throw new Error("daemon gone");
    },
  });
  await assert.rejects(
    runBottle(plan, options),
    new RegExp(`^Error: Cannot tear down bottle "${SLUG}": daemon gone; run bot-bottle cleanup$`),
  );
  assert.equal(await state.exists(), true);
});
