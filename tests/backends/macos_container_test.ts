/**
 * The macos-container backend's whole lifecycle against the strict fake of Apple's `container`
 * CLI: start (through the shared launch) → exec → reload → commit → list active → stop →
 * cleanup, then the ways it must refuse. The fake rejects any argv the real CLI would reject, so
 * every step here also proves the backend speaks the documented grammar.
 */
import assert from "node:assert/strict";
import { macosContainerBackend, SidecarKernelError } from "../../backends/macos_container/mod.ts";
import type { Backend } from "../../backends/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { launchBottle, launchSpec } from "../../src/launch/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { SelfTestError } from "../../src/self_test/mod.ts";
import { type BottlePlan, buildPlan } from "../../src/plan/mod.ts";
import { type FakeCall, FakeContainerCli } from "../fakes/container/mod.ts";
import { HOST_TOKEN, LITERAL, secretsFor, withSecrets } from "./parity_matrix.ts";

/** The parity matrix's bottle (a literal, a host variable, a route with a token) in a home. */
function planIn(home: string, slug: string): BottlePlan {
  return buildPlan(withSecrets(), {
    slug,
    label: "apple",
    cwd: "/w",
    paths: homePaths({ BOT_BOTTLE_HOME: home }),
    hostEnv: { BOT_BOTTLE_SELFTEST_TCP: "192.0.2.10:80", BOT_BOTTLE_SELFTEST_DNS: "outside.test" },
  });
}

async function withFake(
  fn: (fake: FakeContainerCli, backend: Backend, home: string) => Promise<void>,
  config: Parameters<typeof FakeContainerCli.create>[0] = {},
): Promise<void> {
  await using fake = await FakeContainerCli.create(config);
  const home = await Deno.makeTempDir({ prefix: "bb-apple-home-" });
  try {
    await fn(fake, macosContainerBackend({ cli: fake.cli }), home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

const calling = (calls: FakeCall[], ...words: string[]) =>
  calls.filter((c) => words.every((w, i) => c.argv[i] === w));

Deno.test("macos-container: a bottle's whole lifecycle runs against the documented CLI", async (t) => {
  await withFake(async (fake, backend, home) => {
    const plan = planIn(home, "apple-life");
    const secrets = secretsFor(plan);
    const names = { agent: "bot-bottle-apple-life", sidecar: "bot-bottle-sidecars-apple-life" };

    await t.step(
      "start puts the agent on host-only networks only, the sidecar NAT first",
      async () => {
        await launchBottle(plan, secrets, { backend, progress: () => {} });
        const state = await fake.state();
        const agent = state.containers[names.agent]!;
        const sidecar = state.containers[names.sidecar]!;
        assert.ok(agent.networks.length > 0);
        for (const n of agent.networks) assert.equal(state.networks[n.network]?.mode, "hostOnly");
        assert.deepEqual(
          sidecar.networks.map((n) => state.networks[n.network]?.mode),
          ["nat", "hostOnly"],
        );
        for (
          const labels of [
            ...Object.values(state.containers).map((c) => c.labels),
            ...Object.values(state.networks).map((n) => n.labels),
          ]
        ) assert.equal(labels["bot-bottle.slug"], plan.slug);
        assert.equal(agent.env.GREETING, LITERAL);
        assert.equal(agent.env.FROM_HOST, HOST_TOKEN);
        for (const token of Object.values(secrets.tokens)) {
          assert.ok(Object.values(sidecar.env).includes(token), "the sidecar got its tokens");
        }
      },
    );

    await t.step("secrets reach the CLI by name only, never on an argv", async () => {
      const calls = await fake.calls();
      const argv = calls.map((c) => c.argv.join("\u0000")).join("\n");
      for (const value of [LITERAL, HOST_TOKEN, secrets.canary, ...Object.values(secrets.tokens)]) {
        assert.ok(!argv.includes(value), `${value} reached an argv`);
      }
      // Exactly the names the launch's spec marks secret, for the container that needs them.
      const spec = launchSpec(plan, backend.superviseUrl(plan.slug));
      const [agentRun] = calling(calls, "run").filter((c) => c.argv.includes(names.agent));
      assert.deepEqual(agentRun?.envNames, [...spec.agent.secretEnv].sort());
      assert.ok(agentRun?.envNames.includes("FROM_HOST"));
      const [sidecarRun] = calling(calls, "run").filter((c) => c.argv.includes(names.sidecar));
      assert.deepEqual(sidecarRun?.envNames, [...spec.sidecar.secretEnv].sort());
      for (const slot of Object.keys(secrets.tokens)) {
        assert.ok(sidecarRun?.envNames.includes(slot));
      }
      // Every other call runs with the CLI's own environment only.
      for (const call of calls.filter((c) => c !== agentRun && c !== sidecarRun)) {
        assert.deepEqual(call.envNames, [], call.argv.join(" "));
      }
    });

    await t.step("exec runs as the agent, or as root for provisioning", async () => {
      const seen = await backend.exec(plan.slug, ["printenv", "GREETING"], {
        tty: false,
        capture: true,
      });
      assert.deepEqual([seen.code, seen.stdout], [0, `${LITERAL}\n`]);
      const uid = await backend.exec(plan.slug, ["id", "-u"], { tty: false, capture: true });
      assert.equal(uid.stdout, "1000\n");
      await backend.exec(plan.slug, ["true"], { tty: false, capture: true, user: "root" });
      const execs = calling(await fake.calls(), "exec").map((c) => c.argv.slice(0, 4));
      assert.deepEqual(execs.at(-1), ["exec", "--user", "0", names.agent]);
      assert.deepEqual(execs.at(-2), ["exec", "--user", "agent", names.agent]);
    });

    await t.step("reloadEgress sends the sidecar SIGHUP", async () => {
      await backend.reloadEgress(plan.slug);
      assert.deepEqual((await fake.state()).containers[names.sidecar]?.signals, ["HUP"]);
    });

    let committed = "";
    await t.step(
      "commit streams the running agent's files with tar and builds an image",
      async () => {
        committed = await backend.commit(plan.slug);
        assert.match(committed, /^bot-bottle\/committed-apple-life:\d{8}t\d{6}$/);
        const state = await fake.state();
        assert.equal(state.images[committed]?.labels["bot-bottle.committed-from"], plan.slug);
        assert.equal(state.containers[names.agent]?.status, "running", "the bottle keeps running");
        const tar = calling(await fake.calls(), "exec", "--user", "0", names.agent, "tar");
        assert.equal(tar.length, 1);
      },
    );

    await t.step("list active shows the bottle, its label and both services", async () => {
      assert.deepEqual(await backend.enumerateActive(), [{
        backend: "macos-container",
        slug: plan.slug,
        label: "apple",
        agent: plan.agent,
        services: ["sidecar:running", "agent:running"],
      }]);
    });

    await t.step("stop removes its containers and networks; stopping again is fine", async () => {
      await backend.stop(plan.slug);
      await backend.stop(plan.slug);
      const state = await fake.state();
      assert.deepEqual([Object.keys(state.containers), Object.keys(state.networks)], [[], []]);
      assert.deepEqual(await backend.enumerateActive(), []);
    });

    await t.step("cleanup removes built images and keeps the committed one", async () => {
      const steps = await backend.cleanupPlan(new Set());
      assert.ok(steps.length >= 2 && steps.every((s) => s.kind === "image"));
      assert.ok(!steps.some((s) => s.name === committed));
      assert.deepEqual(await backend.cleanup(steps), []);
      assert.deepEqual(Object.keys((await fake.state()).images), [committed]);
    });
  });
});

Deno.test("macos-container: a sidecar whose kernel forwards is refused and leaves nothing", async () => {
  await withFake(async (fake, backend, home) => {
    const plan = planIn(home, "apple-fwd");
    await assert.rejects(
      launchBottle(plan, secretsFor(plan), { backend, progress: () => {} }),
      (err: unknown) =>
        err instanceof SidecarKernelError && err.setting === "net.ipv4.ip_forward" &&
        /net\.ipv4\.ip_forward=1, it must be 0/.test(err.message),
    );
    const state = await fake.state();
    assert.deepEqual([Object.keys(state.containers), Object.keys(state.networks)], [[], []]);
  }, { sidecarSysctls: { "net.ipv4.ip_forward": "1" } });
});

Deno.test("macos-container: an agent that reaches the host on its host-only network is refused", async () => {
  // A host-only network gives the host an address (its gateway), unlike docker's address-less
  // bridge: the self-test probes it, and a launch whose agent gets through stops there.
  await withFake(async (fake, backend, home) => {
    const plan = planIn(home, "apple-host");
    await assert.rejects(
      launchBottle(plan, secretsFor(plan), { backend, progress: () => {} }),
      (err: unknown) => err instanceof SelfTestError && err.message.includes("192.168.70.1:9"),
    );
    const state = await fake.state();
    assert.deepEqual([Object.keys(state.containers), Object.keys(state.networks)], [[], []]);
  }, { reachable: ["192.168.70.1:9"] });
});

Deno.test("macos-container: gVisor cannot be had, and a request for it is refused", async () => {
  await withFake(async (_fake, backend) => {
    assert.match(await backend.isolation("auto"), /lightweight VM per container/);
    await assert.rejects(backend.isolation("runsc"), ConfigError);
    const { checks, usable } = await backend.checks(
      (argv) =>
        Promise.resolve({
          started: true,
          code: argv[1] === "system" ? 0 : 1,
          stdout: "",
          stderr: "",
        }),
      { os: "darwin", baseImages: [], runtime: "runsc" },
    );
    assert.equal(usable, false);
    assert.match(checks.at(-1)?.detail ?? "", /BOT_BOTTLE_RUNTIME=runsc asks for gVisor/);
  });
});

Deno.test("macos-container: isAvailable says why not (no CLI, services stopped)", async () => {
  const missing = macosContainerBackend({ cli: "/nonexistent/bin/container" });
  assert.deepEqual(await missing.isAvailable(), {
    ok: false,
    reason: "the /nonexistent/bin/container CLI is not installed (Apple's container, macOS 26+)",
  });
  await withFake(async (fake, backend) => {
    const stopped = await backend.isAvailable();
    assert.equal(stopped.ok, false);
    assert.match(stopped.ok ? "" : stopped.reason, /not running .*system start$/);
    await fake.configure({
      systemRunning: true,
      agentUid: 1000,
      reachable: [],
      sidecarSysctls: {},
    });
    assert.deepEqual(await backend.isAvailable(), { ok: true, detail: "container system running" });
  }, { systemRunning: false });
});
