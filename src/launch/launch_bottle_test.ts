import assert from "node:assert/strict";
import { MemoryBackend, type MemoryPrimitive } from "../../backends/memory/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent, type LaunchSecrets } from "../plan/mod.ts";
import { launchBottle, LaunchError } from "./mod.ts";
import { simulatedAgent } from "./testing/mod.ts";

const SECRETS: LaunchSecrets = {
  agentEnv: { BOT_BOTTLE_CANARY: "bot-bottle-canary-0123456789abcdef" },
  tokens: {},
  canary: "bot-bottle-canary-0123456789abcdef",
  agentFiles: [],
};

/** A plan in a temp home, and fixed recipes (no bundling: this is about the sequence). */
async function setup(prefix: string) {
  const root = await Deno.makeTempDir({ prefix: "bb-launch-" });
  const plan = buildPlan(demoAgent(), {
    slug: `${prefix}-000001`,
    label: prefix,
    cwd: "/w",
    paths: homePaths({ BOT_BOTTLE_HOME: root }),
    hostEnv: { BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80", BOT_BOTTLE_SELFTEST_DNS: "outside.test" },
  });
  const recipes = () =>
    Promise.resolve({
      agent: { needsBuild: false as const, tag: "memory/agent:1", role: "agent" as const },
      sidecar: { needsBuild: false as const, tag: "memory/sidecar:1", role: "sidecar" as const },
    });
  return {
    plan,
    recipes,
    user: { uid: 1000, gid: 1000 },
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

Deno.test("launchBottle() removes what it made when any step fails, newest first", async () => {
  const steps: MemoryPrimitive[] = ["createNetworks", "startSidecar", "startAgent", "exec"];
  for (const failing of steps) {
    await using s = await setup("fail");
    const removed: string[] = [];
    const backend = new MemoryBackend({
      agent: simulatedAgent(),
      fault: (primitive, name) => {
        if (primitive === failing) throw new Error(`${failing} broke`);
        if (primitive === "remove") removed.push(name);
      },
    });
    await assert.rejects(
      launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} }),
      new RegExp(`^Error: ${failing} broke$`),
    );
    assert.deepEqual(backend.world.of(s.plan.slug), [], `after ${failing} fails`);
    const made = {
      createNetworks: [],
      startSidecar: ["memory-egress-fail-000001", "memory-internal-fail-000001"],
      startAgent: [
        "memory-sidecar-fail-000001",
        "memory-egress-fail-000001",
        "memory-internal-fail-000001",
      ],
      exec: [
        "memory-agent-fail-000001",
        "memory-sidecar-fail-000001",
        "memory-egress-fail-000001",
        "memory-internal-fail-000001",
      ],
    }[failing as "createNetworks"];
    assert.deepEqual(removed, made, `after ${failing} fails`);
  }
});

Deno.test("launchBottle() goes on removing when one removal fails, and throws its own error", async () => {
  await using s = await setup("stuck");
  const lines: string[] = [];
  const backend = new MemoryBackend({
    agent: simulatedAgent({ uid: 0 }),
    fault: (primitive, name) => {
      if (primitive === "remove" && name.startsWith("memory-sidecar-")) {
        throw new Error("device busy");
      }
    },
  });
  await assert.rejects(
    launchBottle(s.plan, SECRETS, { ...s, backend, progress: (line) => lines.push(line) }),
    (err: unknown) => err instanceof LaunchError && /non-root user/.test(err.message),
  );
  assert.deepEqual(
    backend.world.of(s.plan.slug).map((o) => o.name),
    ["memory-sidecar-stuck-000001"],
    "only the object whose removal failed is left",
  );
  assert.ok(lines.includes("could not remove container memory-sidecar-stuck-000001: device busy"));
});

Deno.test("launchBottle() refuses a secret variable without a value before starting it", async () => {
  await using s = await setup("nosecret");
  const backend = new MemoryBackend({ agent: simulatedAgent() });
  await assert.rejects(
    launchBottle(s.plan, { ...SECRETS, agentEnv: {} }, { ...s, backend, progress: () => {} }),
    /no value for its secret variable BOT_BOTTLE_CANARY/,
  );
  assert.deepEqual(backend.world.of(s.plan.slug), []);
});

Deno.test("launchBottle() refuses an agent image that cannot trust the bottle CA", async () => {
  await using s = await setup("noca");
  const backend = new MemoryBackend({ agent: simulatedAgent({ caTools: false }) });
  await assert.rejects(
    launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} }),
    (err: unknown) =>
      err instanceof LaunchError &&
      err.message ===
        "installing the bottle CA in the agent image failed (it needs update-ca-certificates): " +
          "exit 1: sh: 1: update-ca-certificates: not found",
  );
  assert.deepEqual(backend.world.of(s.plan.slug), []);
});

Deno.test("launchBottle() gives up at once when the sidecar died, with its state", async () => {
  await using s = await setup("deadcar");
  const backend: MemoryBackend = new MemoryBackend({
    agent: simulatedAgent({ proxy: false }),
    fault: (primitive, slug) => {
      // The sidecar exits as the agent starts: its proxy will never answer.
      const sidecar = backend.world.objects.get(`memory-sidecar-${slug}`);
      if (primitive === "startAgent" && sidecar !== undefined) sidecar.state = "exited";
    },
  });
  const started = performance.now();
  await assert.rejects(
    launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} }),
    (err: unknown) =>
      err instanceof LaunchError &&
      /^the sidecar is not running and its proxy \(port 9099\) does not answer/.test(err.message),
  );
  assert.ok(performance.now() - started < 5_000, "no waiting for a proxy that cannot answer");
  assert.deepEqual(backend.world.of(s.plan.slug), []);
});

Deno.test("launchBottle() tells the first failed check when several fail at once, after all end", async () => {
  await using s = await setup("many");
  const ran: string[] = [];
  const backend = new MemoryBackend({
    // A root image whose bottle also leaks: the user check, the CA install and the self-test run
    // together, and the user check is the one told.
    agent: simulatedAgent({ uid: 0, reachable: new Set(["192.0.2.10:80"]) }),
    fault: (primitive, name) => {
      if (primitive === "exec") ran.push(name);
    },
  });
  await assert.rejects(
    launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} }),
    (err: unknown) => err instanceof LaunchError && /non-root user/.test(err.message),
  );
  assert.ok(ran.length >= 3, `every check ran before the launch gave up: ${ran.join(", ")}`);
  assert.deepEqual(backend.world.of(s.plan.slug), []);
});

Deno.test("launchBottle() waits for the git gate and supervise, and names them when they never listen", async () => {
  await using s = await setup("nogate");
  const waited: string[][] = [];
  const backend = new MemoryBackend({
    agent: simulatedAgent({
      command: (_slug, argv) => {
        if (argv[3] !== "bot-bottle-daemons") return 0;
        waited.push(argv.slice(4));
        return 1;
      },
    }),
  });
  const plan = {
    ...s.plan,
    daemons: ["egress" as const, "supervise" as const, "git-gate" as const],
  };
  await assert.rejects(
    launchBottle(plan, SECRETS, { ...s, backend, progress: () => {} }),
    (err: unknown) =>
      err instanceof LaunchError &&
      /its git gate \(port 9420\) or supervise \(port 9100\) did not start listening/.test(
        err.message,
      ),
  );
  assert.deepEqual(waited, [["bot-bottle-sidecar", "9420", "9100"]]);
  assert.deepEqual(backend.world.of(s.plan.slug), []);
});

/**
 * The order in which the sidecar and the agent start: the sidecar's start is held until the
 * agent's begins (or, should the launch wait for the sidecar first, for a moment).
 */
async function startOrder(pinsSidecarAddress: boolean): Promise<string[]> {
  await using s = await setup("order");
  const events: string[] = [];
  const { promise: agentBegun, resolve: agentBegins } = Promise.withResolvers<void>();
  const backend = new MemoryBackend({
    agent: simulatedAgent(),
    pinsSidecarAddress,
    fault: async (primitive) => {
      if (primitive === "startAgent") {
        events.push("agent starts");
        agentBegins();
      }
      if (primitive !== "startSidecar") return;
      events.push("sidecar starts");
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([agentBegun, new Promise((ok) => timer = setTimeout(ok, 300))]);
      clearTimeout(timer);
      events.push("sidecar started");
    },
  });
  await launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} });
  assert.deepEqual(
    backend.world.of(s.plan.slug).filter((o) => o.kind === "container").map((o) => o.state),
    ["running", "running"],
  );
  return events;
}

Deno.test("launchBottle() starts the agent alongside the sidecar when the networks pin its address", async () => {
  assert.deepEqual(await startOrder(true), ["sidecar starts", "agent starts", "sidecar started"]);
});

Deno.test("launchBottle() starts the agent after the sidecar when only the sidecar knows its address", async () => {
  assert.deepEqual(await startOrder(false), ["sidecar starts", "sidecar started", "agent starts"]);
});

/** A pinned launch whose sidecar start waits for the self-test to begin, then ends as told. */
async function selfTestBeforeSidecar(sidecarFails: boolean) {
  await using s = await setup("early");
  const events: string[] = [];
  const { promise: testBegun, resolve: testBegins } = Promise.withResolvers<void>();
  const agent = simulatedAgent();
  const backend = new MemoryBackend({
    agent: (slug, argv, options) => {
      if (argv[3] === "bot-bottle-self-test") {
        events.push("self-test starts");
        testBegins();
      }
      return agent(slug, argv, options);
    },
    pinsSidecarAddress: true,
    fault: async (primitive) => {
      if (primitive !== "startSidecar") return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([testBegun, new Promise((ok) => timer = setTimeout(ok, 300))]);
      clearTimeout(timer);
      events.push("sidecar started");
      if (sidecarFails) throw new Error("the sidecar broke");
    },
  });
  const launched = launchBottle(s.plan, SECRETS, { ...s, backend, progress: () => {} });
  const outcome = await launched.then(() => "ready", (err: unknown) => String(err));
  return { events, outcome, left: backend.world.of(s.plan.slug) };
}

Deno.test("launchBottle() begins the self-test as the agent runs; the outside targets follow", async () => {
  // The launch passing proves the outside addresses reached the test: each is a probe it needs.
  const { events, outcome } = await selfTestBeforeSidecar(false);
  assert.equal(outcome, "ready");
  assert.deepEqual(events, ["self-test starts", "sidecar started"]);
});

Deno.test("launchBottle() gives the self-test up when the sidecar fails to start meanwhile", async () => {
  const { events, outcome, left } = await selfTestBeforeSidecar(true);
  assert.equal(outcome, "Error: the sidecar broke");
  assert.deepEqual(events, ["self-test starts", "sidecar started"]);
  assert.deepEqual(left, []);
});
