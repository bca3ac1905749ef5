/**
 * The guarantee behind a bottle's internal network, on the engine under test (Docker, or Podman
 * under `BOT_BOTTLE_E2E_ENGINE=podman`): the host holds no address there. Docker is told not to
 * give it one; podman gives none to a network without DNS. Were the host there anyway, the
 * launch's self-test would reach it at the gateway the engine declares and refuse the bottle:
 * proven here by driving the backend with its dialect minus the flags that keep the host off.
 */
import assert from "node:assert/strict";
import { DOCKER_DIALECT, dockerBackend } from "../../backends/docker/mod.ts";
import { PODMAN_DIALECT } from "../../backends/podman/mod.ts";
import { launchBottle } from "../../src/launch/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { SelfTestError } from "../../src/self_test/mod.ts";
import { bottleLeftovers, e2eEngine, startWorld } from "./_harness/mod.ts";

Deno.test("a bottle whose internal network gives the host an address is refused", async () => {
  await using world = await startWorld("hostbridge");
  const engine = e2eEngine();
  const dialect = engine === "podman" ? PODMAN_DIALECT : DOCKER_DIALECT;
  const weaker = dockerBackend({ cli: engine, dialect: { ...dialect, internalNetworkFlags: [] } });
  const paths = homePaths({ BOT_BOTTLE_HOME: world.home });
  const slug = `hostbridge-${crypto.randomUUID().slice(0, 6)}`;
  world.track(slug);
  const plan = buildPlan(demoAgent(), {
    slug,
    label: "hostbridge",
    cwd: "/w",
    paths,
    hostEnv: world.cliEnv,
  });
  const canary = `bot-bottle-canary-${crypto.randomUUID().replaceAll("-", "")}`;
  const launch = launchBottle(
    plan,
    { agentEnv: { BOT_BOTTLE_CANARY: canary }, tokens: {}, canary, agentFiles: [] },
    { backend: weaker, progress: () => {} },
  );
  await assert.rejects(launch, (err: unknown) => {
    assert.ok(err instanceof SelfTestError, String(err));
    // The host answered at a gateway (docker also routes the agent to the host's other
    // addresses then): the probe of the internal network's declared gateway catches it.
    const failed = err.failed.map((probe) => `${probe.name}: ${probe.detail}`);
    assert.ok(
      failed.some((line) => /^tcp (\d{1,3}\.){3}\d{1,3}:9: was refused directly/.test(line)),
      failed.join("\n"),
    );
    return true;
  });
  const left = await bottleLeftovers(world.home, slug);
  assert.deepEqual([left.containers, left.networks], [[], []]);
  for (const dir of [paths.stateDir(slug), paths.queueDir(slug)]) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
