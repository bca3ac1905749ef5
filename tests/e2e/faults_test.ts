/**
 * Faults on a real Docker engine (issue 17's fault suite): the sidecar killed under a running
 * bottle. Without its sidecar a bottle has no way out, so the agent's requests fail; the host
 * that runs the command notices, tears the bottle down, keeps its state and says how to resume.
 * (The agent container killed under an attached start is in lifecycle_test.ts; upstream
 * timeouts are proxy-level, in tests/egress/upstream_timeouts_test.ts.)
 */
import assert from "node:assert/strict";
import {
  agentCurl,
  bottleLeftovers,
  CLEAN,
  describeLeftovers,
  docker,
  runCli,
  showCurl,
  spawnCli,
  startDetached,
  startWorld,
  stateSlugs,
  TEST_AGENT,
  UPSTREAM_PAGE_MARKER,
  waitForAgentProcess,
  waitForNewBottle,
  writeTestAgent,
} from "./_harness/mod.ts";

/** An attached run's time limit: a launch plus the command. */
const ATTACHED_TIMEOUT_MS = 4 * 60_000;

Deno.test("bot-bottle copes with a killed sidecar: no egress, teardown, state kept", async (t) => {
  await using world = await startWorld("faults");
  await writeTestAgent(world);

  await t.step("a detached bottle whose sidecar was killed has no egress left", async () => {
    // The demo bottle's routes include example.com, which the test internet serves.
    const slug = await startDetached(world, "demo");
    const before = await agentCurl(world, slug, ["https://example.com/"]);
    assert.equal(before.status, 200, showCurl(before));
    assert.match(before.body, new RegExp(UPSTREAM_PAGE_MARKER));

    const kill = await docker(["kill", `bot-bottle-sidecars-${slug}`]);
    assert.equal(kill.code, 0, kill.stderr);
    const after = await agentCurl(world, slug, ["--connect-timeout", "3", "https://example.com/"]);
    // The probe ran (the exec worked) and curl got no answer at all: no proxy, no other route.
    assert.notEqual(after.exit, 0, showCurl(after));
    assert.equal(after.status, 0, showCurl(after));
    assert.match(after.stderr, /curl: \(\d+\)/, showCurl(after));

    // `list active` tells the truth: the agent runs, its sidecar does not.
    const list = await runCli(world, ["list", "active", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const mine = (JSON.parse(list.stdout) as { slug: string; services: string[] }[])
      .find((bottle) => bottle.slug === slug);
    assert.deepEqual(mine?.services.sort(), ["agent:running", "sidecar:exited"], list.stdout);

    const stop = await runCli(world, ["stop", slug]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
  });

  await t.step(
    "the host running the command tears the bottle down and says how to resume",
    async () => {
      const before = await stateSlugs(world);
      await using running = await spawnCli(world, [
        "start",
        TEST_AGENT,
        "--yes",
        "--",
        "sleep",
        "600",
      ]);
      const slug = await waitForNewBottle(world, before, running);
      await waitForAgentProcess(running, slug, "sleep 600");
      const kill = await docker(["kill", `bot-bottle-sidecars-${slug}`]);
      assert.equal(kill.code, 0, kill.stderr);

      const result = await running.finish(ATTACHED_TIMEOUT_MS);
      const output = `${result.stdout}\n${result.stderr}`;
      assert.notEqual(result.code, 0, output);
      assert.match(
        result.stderr,
        new RegExp(`the sidecar of bottle ${slug} stopped.*the agent has no egress left`),
      );
      assert.match(
        result.stderr,
        new RegExp(`state kept in .*; resume with: bot-bottle resume ${slug}`),
      );
      const left = await bottleLeftovers(world.home, slug);
      assert.deepEqual(left, { ...CLEAN, stateDir: true }, describeLeftovers(left));

      const stop = await runCli(world, ["stop", slug]);
      assert.equal(stop.code, 0, stop.stderr);
      assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
    },
  );
});
