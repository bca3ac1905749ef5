/**
 * Faults on a real Docker engine (issue 17's fault suite): the sidecar killed under a running
 * bottle. Without its sidecar a bottle has no way out, so the agent's requests fail; the host
 * that runs the command notices, tears the bottle down, keeps its state and says how to resume.
 * A detached bottle whose sidecar was killed is listed as broken, with what to do, and
 * `cleanup` removes it. (The agent container killed under an attached start is in
 * lifecycle_test.ts; upstream timeouts are proxy-level, in tests/egress/upstream_timeouts_test.ts.)
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  agentCurl,
  bottleLeftovers,
  CLEAN,
  describeLeftovers,
  docker,
  runCli,
  showCurl,
  startAttached,
  startDetached,
  startWorld,
  stopLeavingNothing,
  TEST_AGENT,
  UPSTREAM_PAGE_MARKER,
  writeTestAgent,
} from "./_harness/mod.ts";
import { privateEngineCli } from "./_harness/private_engine.ts";

/** An attached run's time limit: a launch plus the command. */
const ATTACHED_TIMEOUT_MS = 4 * 60_000;

/** A bottle as `list active --json` shows it. */
interface Listed {
  slug: string;
  services: string[];
  condition: string;
}

/** What a broken bottle's user is told to do, as a pattern. */
function brokenHintPattern(slug: string): string {
  return `to keep its work: bot-bottle commit ${slug}, bot-bottle stop ${slug}, then ` +
    `bot-bottle resume ${slug}; or bot-bottle cleanup removes it`;
}

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

    // `list active` tells the truth: the agent runs, its sidecar does not, so it is broken.
    const list = await runCli(world, ["list", "active", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const mine = (JSON.parse(list.stdout) as Listed[]).find((bottle) => bottle.slug === slug);
    assert.deepEqual(mine?.services.sort(), ["agent:running", "sidecar:exited"], list.stdout);
    assert.equal(mine?.condition, "broken", list.stdout);
    const human = await runCli(world, ["list", "active"]);
    assert.match(human.stdout, new RegExp(`\nBroken bottles\n\n(  .*\n)*  ${slug}: `));
    assert.match(human.stdout, new RegExp(`${slug}: ${brokenHintPattern(slug)}`));
    // `exec` still reaches the agent (its files can be looked at) and says the bottle is broken.
    const exec = await runCli(world, ["exec", slug, "--", "echo", "still here"]);
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, "still here\n");
    assert.match(exec.stderr, new RegExp(`bottle ${slug} is broken \\(.*sidecar:exited.*\\)`));

    await stopLeavingNothing(world, slug);
  });

  await t.step(
    "the host running the command tears the bottle down and says how to resume",
    async () => {
      await using bottle = await startAttached(world, TEST_AGENT, ["sleep", "600"]);
      const { cli: running, slug } = bottle;
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

      await stopLeavingNothing(world, slug);
    },
  );
});

Deno.test("cleanup removes a detached bottle whose sidecar was killed, and its state", async () => {
  // `cleanup` acts on every bottle of its engine: a private one keeps other tests' bottles safe.
  await using world = await startWorld("broken");
  const { engine: made, cli } = await privateEngineCli(world);
  await using engine = made;
  const started = await cli(["start", "demo", "--yes", "--detach"]);
  assert.equal(started.code, 0, `${started.stdout}\n${started.stderr}`);
  const slug = started.stdout.trim().split("\n").at(-1)!.trim();
  world.track(slug);
  const state = join(world.home, "state", slug);
  const kill = await engine.docker(["kill", `bot-bottle-sidecars-${slug}`]);
  assert.equal(kill.code, 0, kill.stderr);

  const human = await cli(["list", "active"]);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, new RegExp(`^No running bottles\\.\n\nBroken bottles\n\n  ${slug}: `));
  const cleanup = await cli(["cleanup", "--yes"]);
  assert.equal(cleanup.code, 0, `${cleanup.stdout}\n${cleanup.stderr}`);
  for (const name of [`bot-bottle-${slug}`, `bot-bottle-sidecars-${slug}`, state]) {
    assert.ok(cleanup.stdout.includes(name), `cleanup did not list ${name}:\n${cleanup.stdout}`);
  }
  const list = await cli(["list", "active", "--json"]);
  assert.deepEqual(JSON.parse(list.stdout), [], list.stdout);
  const label = `label=bot-bottle.slug=${slug}`;
  const containers = await engine.docker(["ps", "--all", "--quiet", "--filter", label]);
  const networks = await engine.docker(["network", "ls", "--quiet", "--filter", label]);
  assert.deepEqual([containers.stdout.trim(), networks.stdout.trim()], ["", ""]);
  await assert.rejects(Deno.stat(state), Deno.errors.NotFound);
});
