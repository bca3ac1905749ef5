/**
 * Resource caps on a real engine (issue 17): a fork bomb and a memory hog in the agent stop at
 * the agent's own caps, while the host and the sidecar (the bottle's only way out) keep working.
 *
 * Under runc the kernel refuses the bomb's forks and the OOM killer takes only the hog, so the
 * agent itself lives on and reaches its upstream through the sidecar right after. Under gVisor
 * (`BOT_BOTTLE_E2E_RUNTIME=runsc`) the whole sandbox is one set of host processes: the bomb
 * exhausts the sentry's threads and the hog usually gets the whole sandbox OOM-killed (sometimes
 * gVisor kills the hog alone), so the agent container may end. That is still contained: the
 * sidecar is untouched, and the agent container started again into the same bottle reaches its
 * upstream through that same sidecar.
 */
import assert from "node:assert/strict";
import {
  agentCurl,
  docker,
  dockerOk,
  execIn,
  runCli,
  runProgram,
  showCurl,
  startDetached,
  startWorld,
  TOKEN_VAR,
  type World,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

/** The agent's caps here: small, so the hazards reach them in seconds. */
const AGENT_CAPS = { memory: "384MiB", cpus: 1, pids: 256 } as const;
const AGENT = "capped";
/** Where the memory hog's exit code goes (the agent's own /tmp). */
const HOG_RC = "/tmp/bb-hog.rc";
/** How long the fork bomb runs before it is killed. */
const BOMB_SECONDS = 15;
/**
 * The bomb in its own process group (`set -m`), killed after {@link BOMB_SECONDS} by a shell that
 * needs no fork to do it: a builtin `read -t` on a FIFO as its clock, then builtin `kill` on the
 * group until no member is left (`timeout`'s one group kill leaves forks in flight alive).
 */
const BOMB = [
  "set -m",
  'clock=$(mktemp -u); mkfifo "$clock"; exec 9<>"$clock"; rm -f "$clock"',
  'bash -c "f(){ f | f & }; f" >/dev/null 2>&1 & pg=$!',
  `read -t ${BOMB_SECONDS} -u 9`,
  "while kill -KILL -- -$pg 2>/dev/null; do :; done",
].join("; ");

Deno.test("a fork bomb and a memory hog in the agent stop at its caps", async (t) => {
  await using world = await startWorld("limits");
  await writeCappedAgent(world);

  await t.step("a fork bomb stops at the agent's pids cap", async () => {
    const slug = await startDetached(world, AGENT);
    await assertEgress(world, slug);
    // In the background, so the test can watch while it runs; a second later, so the exec that
    // starts it has ended first (under gVisor the bomb can take down the sandbox's process
    // manager, and an exec still waiting then fails: "WaitPID failed: EOF").
    const started = await execIn(world, slug, [
      "bash",
      "-c",
      `( (sleep 1; bash -c '${BOMB}') >/dev/null 2>&1 &); echo started`,
    ]);
    assert.equal(started.code, 0, started.stderr);
    const deadline = Date.now() + BOMB_SECONDS * 1000 - 3000;
    let peak = 0;
    while (Date.now() < deadline) {
      peak = Math.max(peak, await pidsOf(agentName(slug)));
      await assertHostAndSidecarWork(world, slug);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    if (world.runtime === "runc") {
      assert.ok(peak >= AGENT_CAPS.pids * 0.9, `the bomb never reached the cap (peak ${peak})`);
      assert.ok(peak <= AGENT_CAPS.pids, `the agent ran ${peak} tasks, over its cap`);
    }
    await afterHazard(world, slug);
  });

  await t.step("a memory hog is killed at the agent's memory cap", async () => {
    const slug = await startDetached(world, AGENT);
    await assertEgress(world, slug);
    // In the background: under gVisor the OOM kill ends the whole sandbox, and an exec waiting
    // on a process of a sandbox that is gone never returns.
    const started = await execIn(world, slug, [
      "bash",
      "-c",
      `(python3 -c "b = b'x' * (1024 ** 3); print(len(b))" >/dev/null 2>&1; echo $? > ${HOG_RC}) ` +
      ">/dev/null 2>&1 &",
    ]);
    assert.equal(started.code, 0, started.stderr);
    const ended = await hogOutcome(world, slug);
    if (world.runtime === "runc" || ended !== "sandbox ended") {
      assert.equal(ended, "exit 137", "the hog was not killed at the memory cap");
    } else {
      const oom = await dockerOk(["inspect", "--format", "{{.State.OOMKilled}}", agentName(slug)]);
      assert.equal(oom, "true", "the gVisor sandbox ended, but not at its memory cap");
    }
    await assertHostAndSidecarWork(world, slug);
    await afterHazard(world, slug);
  });
});

async function writeCappedAgent(world: World): Promise<void> {
  await writeBottle(world, AGENT, {
    agent_provider: { template: "shell" },
    supervise: false,
    limits: { agent: AGENT_CAPS },
    egress: {
      routes: [{
        host: "api.example.test",
        allow_private: true,
        auth: { scheme: "Bearer", token_ref: TOKEN_VAR },
      }],
    },
  });
  await writeAgent(world, AGENT, { bottle: AGENT });
}

function agentName(slug: string): string {
  return `bot-bottle-${slug}`;
}

function sidecarName(slug: string): string {
  return `bot-bottle-sidecars-${slug}`;
}

/** The agent reaches its upstream through the sidecar. */
async function assertEgress(world: World, slug: string): Promise<void> {
  const out = await agentCurl(world, slug, ["https://api.example.test/headers"]);
  assert.equal(out.status, 200, showCurl(out));
}

/**
 * The agent reaches its upstream again once the hazard is over: the bomb's killer may still be
 * reaping forks (a curl that cannot start its resolver thread), so it gets up to a minute.
 */
async function assertEgressSoon(world: World, slug: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const out = await agentCurl(world, slug, ["https://api.example.test/headers"]);
    if (out.status === 200) return;
    if (Date.now() > deadline) assert.equal(out.status, 200, showCurl(out));
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The host still starts processes; the sidecar still runs, never OOM-killed. */
async function assertHostAndSidecarWork(world: World, slug: string): Promise<void> {
  const host = await runProgram("sh", ["-c", "echo host-ok"], { timeoutMs: 10_000 });
  assert.equal(host.stdout, "host-ok\n", `the host cannot start a process: ${host.stderr}`);
  const sidecar = await dockerOk([
    "inspect",
    "--format",
    "{{.State.Status}} {{.State.OOMKilled}} {{.State.Restarting}}",
    sidecarName(slug),
  ]);
  assert.equal(sidecar, "running false false", `the sidecar of ${slug}: ${sidecar}`);
  const control = await world.controlRun(["true"]);
  assert.equal(control.code, 0, `the test internet stopped answering: ${control.stderr}`);
}

/**
 * After a hazard: the sidecar is untouched and the agent reaches its upstream through it again
 * (under gVisor, once an ended agent container is started again into the same bottle).
 */
async function afterHazard(world: World, slug: string): Promise<void> {
  await assertHostAndSidecarWork(world, slug);
  // gVisor may end the whole sandbox rather than the one process: start the agent again.
  const state = await dockerOk(["inspect", "--format", "{{.State.Status}}", agentName(slug)]);
  if (state !== "running") {
    assert.equal(world.runtime, "runsc", `the agent container of ${slug} ended under runc`);
    assert.equal(state, "exited");
    await dockerOk(["start", agentName(slug)]);
  }
  await waitForAgentShell(world, slug);
  await assertEgressSoon(world, slug);
  await assertHostAndSidecarWork(world, slug);
  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, stop.stderr);
}

/**
 * How the hog ended: `exit N` (its code, read once it wrote it) or `sandbox ended` (the agent
 * container stopped under it).
 */
async function hogOutcome(world: World, slug: string): Promise<string> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const state = await dockerOk(["inspect", "--format", "{{.State.Status}}", agentName(slug)]);
    if (state !== "running") return "sandbox ended";
    const rc = await execIn(world, slug, ["cat", HOG_RC]);
    if (rc.code === 0 && rc.stdout.trim() !== "") return `exit ${rc.stdout.trim()}`;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the memory hog in ${slug} neither ended nor was killed within 120 s`);
}

/** The number of tasks (processes and threads) the engine counts in a container. */
async function pidsOf(container: string): Promise<number> {
  const out = await docker(["stats", "--no-stream", "--format", "{{.PIDs}}", container]);
  return Number(out.stdout.trim()) || 0;
}

/** Until the agent can run a command again (the bomb's last processes take a moment to go). */
async function waitForAgentShell(world: World, slug: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    const probe = await execIn(world, slug, ["true"]);
    if (probe.code === 0) return;
    last = probe.stderr;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the agent of ${slug} never ran a command again: ${last}`);
}
