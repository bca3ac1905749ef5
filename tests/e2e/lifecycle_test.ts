/**
 * A bottle's life through the CLI on a real engine, Docker or Podman (SPEC §4, §5, §8): start detached,
 * exec, list, stop; attached runs that print what the agent's command printed; a failing
 * command that keeps the state; and teardown when the agent dies or the user presses Ctrl-C.
 * Every step ends by checking that nothing is left: containers, networks, state dir.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  agentCurl,
  blockBody,
  bottleLeftovers,
  CLEAN,
  describeLeftovers,
  docker,
  e2eEngine,
  execIn,
  runCli,
  showCurl,
  spawnCli,
  startAttached,
  startDetached,
  startWorld,
  stateSlugs,
  stopLeavingNothing,
  TEST_AGENT,
  UPSTREAM_PAGE_MARKER,
  waitForNewBottle,
  type World,
  writeTestAgent,
} from "./_harness/mod.ts";

/** An attached run's time limit: a launch plus the command. */
const ATTACHED_TIMEOUT_MS = 4 * 60_000;

Deno.test("bot-bottle start/exec/list/stop run a bottle and leave nothing behind", async (t) => {
  await using world = await startWorld("lifecycle");
  await writeTestAgent(world);

  await t.step("the preflight names the agent's isolation and both containers' caps", async () => {
    const dry = await runCli(world, ["start", TEST_AGENT, "--dry-run"]);
    assert.equal(dry.code, 0, dry.stderr);
    const isolation = world.runtime === "runsc"
      ? /isolation: +gVisor \(runsc\)\n/
      : /isolation: +runc \(Linux namespaces, shared kernel\); gVisor opted out\n/;
    assert.match(dry.stdout, isolation);
    assert.match(dry.stdout, /limits: +agent: 4GiB memory, 2 CPUs, 4096 processes\n/);
    assert.match(dry.stdout, /--pids-limit 512 /);
  });

  await t.step("start --detach, exec, list active --json, stop", async () => {
    const slug = await startDetached(world, TEST_AGENT);
    const out = await agentCurl(world, slug, [
      "-H",
      "Authorization: Bearer agent-held-placeholder",
      "https://api.example.test/headers",
    ]);
    assert.equal(out.status, 200, showCurl(out));
    // The origin got the real token; what it echoed back reached the agent redacted.
    const seen = (await world.upstreamRequests()).filter((r) => r.path === "/headers");
    assert.equal(seen.at(-1)?.headers.authorization, `Bearer ${world.realToken}`);
    const echoed = (JSON.parse(out.body) as { headers: Record<string, string> }).headers;
    assert.match(echoed.authorization ?? "", /^Bearer e2e-real-token-\*{32}$/);

    const relay = await execIn(world, slug, ["bash", "-c", "echo out; echo err >&2; exit 7"]);
    assert.equal(relay.code, 7, relay.stderr);
    assert.equal(relay.stdout, "out\n");
    assert.match(relay.stderr, /^err$/m);
    const user = await execIn(world, slug, ["id", "-u"]);
    assert.notEqual(user.stdout.trim(), "0", "exec runs as root");

    // The agent's shell killed from inside: exec reports it, the bottle stays usable.
    const killed = await execIn(world, slug, ["bash", "-c", "kill -KILL $$"]);
    assert.equal(killed.code, 137, killed.stderr);
    assert.equal((await execIn(world, slug, ["true"])).code, 0);

    const list = await runCli(world, ["list", "active", "--json"]);
    assert.equal(list.code, 0, list.stderr);
    const active = JSON.parse(list.stdout) as Record<string, unknown>[];
    const mine = active.find((bottle) => bottle.slug === slug);
    assert.ok(mine !== undefined, `list active lacks ${slug}: ${list.stdout}`);
    assert.equal(mine.backend, e2eEngine());
    assert.equal(mine.agent, TEST_AGENT);
    assert.equal(typeof mine.label, "string");
    assert.ok(Array.isArray(mine.services) && mine.services.length > 0, list.stdout);

    await stopLeavingNothing(world, slug);
    const after = await runCli(world, ["list", "active", "--json"]);
    assert.ok(
      !(JSON.parse(after.stdout) as { slug: string }[]).some((b) => b.slug === slug),
      after.stdout,
    );
  });

  await t.step(
    "the working directory is copied in, .git and symlinks kept, owned by the agent",
    async () => {
      const work = join(world.dir, "work");
      await Deno.mkdir(join(work, "src"), { recursive: true });
      await Deno.writeTextFile(join(work, "src", "main.txt"), "from the host\n");
      await Deno.symlink("src/main.txt", join(work, "link.txt"));
      await Deno.symlink("/etc/hostname", join(work, "outside-link"));
      const git = (...args: string[]) =>
        new Deno.Command("git", {
          args: ["-C", work, "-c", "user.name=h", "-c", "user.email=h@e.test", ...args],
          stdout: "null",
          stderr: "null",
        }).output();
      await git("init", "-q", "-b", "main");
      await git("add", "-A");
      await git("commit", "-q", "-m", "host commit");
      const slug = await startDetached(world, TEST_AGENT);
      const seen = await execIn(world, slug, [
        "bash",
        "-c",
        // find, not stat: Debian's runsc refuses coreutils 9's statx flags (EINVAL).
        "pwd; cat src/main.txt; readlink link.txt; readlink outside-link; " +
        "find src/main.txt -printf '%u\\n'; " +
        "git log -1 --format=%s; touch new.txt && echo writable",
      ]);
      assert.equal(seen.code, 0, seen.stderr);
      assert.deepEqual(seen.stdout.trim().split("\n"), [
        "/home/agent/workspace",
        "from the host",
        "src/main.txt",
        "/etc/hostname",
        "agent",
        "host commit",
        "writable",
      ]);
      // One way: what the agent writes never reaches the host folder.
      assert.equal(await Deno.lstat(join(work, "new.txt")).catch(() => undefined), undefined);
      await stopLeavingNothing(world, slug);
      await Deno.remove(work, { recursive: true });
    },
  );

  await t.step("attached demo prints the upstream's page", async () => {
    const run = await attached(world, [
      "demo",
      "--yes",
      "--",
      "curl",
      "-s",
      "https://example.com/",
    ]);
    assert.equal(run.result.code, 0, run.result.stderr);
    assert.match(run.result.stdout, new RegExp(`${UPSTREAM_PAGE_MARKER} host=example.com`));
    assert.deepEqual(await bottleLeftovers(world.home, run.slug), CLEAN);
  });

  await t.step("attached demo shows the JSON 403 for a host it has no route to", async () => {
    const run = await attached(world, [
      "demo",
      "--yes",
      "--",
      "curl",
      "-s",
      "https://example.net/",
    ]);
    assert.equal(run.result.code, 0, run.result.stderr);
    const body = run.result.stdout.slice(run.result.stdout.indexOf("{"));
    const block = blockBody(body.slice(0, body.lastIndexOf("}") + 1));
    assert.equal(block?.rule, "no_route", run.result.stdout);
    assert.match(block.reason, /example\.net/);
    assert.deepEqual(await bottleLeftovers(world.home, run.slug), CLEAN);
  });

  await t.step(
    "a failing agent command keeps the state, and resume keeps the workspace",
    async () => {
      const run = await attached(world, [
        TEST_AGENT,
        "--yes",
        "--",
        "bash",
        "-c",
        "echo half-done > progress.txt; exit 3",
      ]);
      assert.equal(run.result.code, 3, run.result.stderr);
      assert.match(run.result.stdout + run.result.stderr, new RegExp(`resume ${run.slug}`));
      const left = await bottleLeftovers(world.home, run.slug);
      assert.deepEqual(left, { ...CLEAN, stateDir: true }, describeLeftovers(left));
      const resumed = await runCli(world, [
        "resume",
        run.slug,
        "--yes",
        "--",
        "cat",
        "progress.txt",
      ]);
      assert.equal(resumed.code, 0, resumed.stderr);
      assert.equal(resumed.stdout.trim().split("\n").at(-1), "half-done");
      // The resumed run exited 0: its bottle and state, saved workspace included, are gone.
      assert.deepEqual(await bottleLeftovers(world.home, run.slug), CLEAN);
    },
  );

  await t.step("the agent container killed under an attached start is torn down", async () => {
    await using bottle = await startAttached(world, TEST_AGENT, ["sleep", "600"]);
    const { cli: running, slug } = bottle;
    const kill = await docker(["kill", `bot-bottle-${slug}`]);
    assert.equal(kill.code, 0, kill.stderr);
    const result = await running.finish(ATTACHED_TIMEOUT_MS);
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(
      result.stderr,
      new RegExp(`state kept in .*; resume with: bot-bottle resume ${slug}`),
    );
    const left = await bottleLeftovers(world.home, slug);
    assert.deepEqual(left, { ...CLEAN, stateDir: true }, describeLeftovers(left));
    await stopLeavingNothing(world, slug);
  });

  await t.step("exec into a detached bottle ends when its agent container is killed", async () => {
    const slug = await startDetached(world, TEST_AGENT);
    await using running = await spawnCli(world, [
      "exec",
      slug,
      "--",
      "sh",
      "-c",
      "touch /tmp/exec-started; sleep 600",
    ]);
    while ((await execIn(world, slug, ["test", "-e", "/tmp/exec-started"])).code !== 0) {
      assert.ok(!running.exited, "the exec ended before it started its command");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const kill = await docker(["kill", `bot-bottle-${slug}`]);
    assert.equal(kill.code, 0, kill.stderr);
    // Under gVisor the engine's exec never returns once the sandbox is gone: the CLI gives it up.
    const result = await running.finish(60_000);
    assert.equal(result.code, 137, result.stderr);
    await stopLeavingNothing(world, slug);
  });

  await t.step("Ctrl-C while the command runs exits 130, tears down, keeps state", async () => {
    await using bottle = await startAttached(world, TEST_AGENT, ["sleep", "600"]);
    const { cli: running, slug } = bottle;
    await running.interrupt();
    const result = await running.finish(ATTACHED_TIMEOUT_MS);
    assert.equal(result.code, 130, `${result.stdout}\n${result.stderr}`);
    assert.match(result.stderr, new RegExp(`resume ${slug}`));
    const left = await bottleLeftovers(world.home, slug);
    assert.deepEqual(left, { ...CLEAN, stateDir: true }, describeLeftovers(left));
    await stopLeavingNothing(world, slug);
  });

  await t.step(
    "a closed terminal (SIGHUP) while the command runs tears the bottle down",
    async () => {
      await using bottle = await startAttached(world, TEST_AGENT, ["sleep", "600"]);
      const { cli: running, slug } = bottle;
      await running.interrupt("SIGHUP");
      const result = await running.finish(ATTACHED_TIMEOUT_MS);
      assert.equal(result.code, 130, `${result.stdout}\n${result.stderr}`);
      const left = await bottleLeftovers(world.home, slug);
      assert.deepEqual(left, { ...CLEAN, stateDir: true }, describeLeftovers(left));
      const stop = await runCli(world, ["stop", slug]);
      assert.equal(stop.code, 0, stop.stderr);
    },
  );

  await t.step("Ctrl-C during the launch exits 130 and leaves nothing", async () => {
    const before = await stateSlugs(world);
    await using running = await spawnCli(world, [
      "start",
      TEST_AGENT,
      "--yes",
      "--",
      "sleep",
      "600",
    ]);
    // The state dir is the launch's first step; the bottle takes seconds more to come up.
    const slug = await waitForNewBottle(world, before, running);
    await running.interrupt();
    const result = await running.finish(ATTACHED_TIMEOUT_MS);
    assert.equal(result.code, 130, `${result.stdout}\n${result.stderr}`);
    const left = await bottleLeftovers(world.home, slug);
    assert.deepEqual(left, CLEAN, `${describeLeftovers(left)}\n${result.stderr}`);
  });
});

/** `start <args>` attached, waiting for it to end; returns its result and the bottle's slug. */
async function attached(
  world: World,
  args: string[],
): Promise<{ slug: string; result: { code: number; stdout: string; stderr: string } }> {
  const before = await stateSlugs(world);
  await using running = await spawnCli(world, ["start", ...args]);
  const slug = await waitForNewBottle(world, before, running);
  return { slug, result: await running.finish(ATTACHED_TIMEOUT_MS) };
}
