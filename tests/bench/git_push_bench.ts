// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * A 50 MB push through the git gate (issue 6) next to the same push straight to the upstream.
 * Both push a new file of random bytes to a real SSH upstream (an openssh-server container on a
 * test network); the gate's figure includes the pre-receive scan and the forward. Timed inside
 * the containers, around `git push` alone. Needs the offline base images
 * (`bash tests/e2e/images/build.sh`) and a Docker engine:
 *
 *     deno task bench:git [rounds] [megabytes]
 *
 * @module
 */
import {
  agentBash,
  docker,
  runCli,
  startSshUpstream,
  startWorld,
  writeAgent,
  writeBottle,
} from "../e2e/_harness/mod.ts";

const ROUNDS = Number(Deno.args[0] ?? 3);
const MEGABYTES = Number(Deno.args[1] ?? 50);
const BYTES = String(MEGABYTES * 1_000_000);
/** Each round's limit, both ways: a loaded machine took 85 s for one 50 MB push. */
const PUSH_LIMIT_MS = 15 * 60_000;

// Prints the push's wall time in milliseconds; the file is new each round.
const PUSH = 'set -e; cd "$1"; git pull -q --no-rebase origin main; ' +
  'head -c "$2" /dev/urandom > "big-$3.bin"; git add "big-$3.bin"; git commit -qm "big $3"; ' +
  "s=$(date +%s%N); git push -q origin HEAD:main; e=$(date +%s%N); echo $(((e - s) / 1000000))";

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

function line(label: string, samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${label.padEnd(36)} ${(median(samples) / 1000).toFixed(2)} s (min ${
    (sorted[0]! / 1000).toFixed(2)
  }, max ${(sorted.at(-1)! / 1000).toFixed(2)})`;
}

function ms(result: { code: number; stdout: string; stderr: string }, what: string): number {
  if (result.code !== 0) throw new Error(`${what} failed: ${result.stdout}\n${result.stderr}`);
  return Number(result.stdout.trim().split("\n").at(-1));
}

/** A logged gate event, by repo and kind. */
type GateEvent = Record<string, number>;

function events(log: string, kind: string): GateEvent[] {
  return log.split("\n").filter((l) => l.includes(`"event":"${kind}"`))
    .map((l) => JSON.parse(l.slice(l.indexOf("{"))));
}

/**
 * Each push's phases, from the gate's `push_forwarded` (hook) and `push_done` (server) events,
 * all on the sidecar's clock: the body's upload (spooled to disk), the backend until the hook
 * starts (receive-pack, index-pack with fsck, the connectivity check, the hook process's start),
 * the hook's own checks, the scan, the forward, what follows the hook (ref update), and the rest
 * of the client's wall time (its pack compression, the refreshing ref advertisement, the probe).
 */
function breakdown(log: string, wall: readonly number[]): [string, number[]][] {
  const hooks = events(log, "push_forwarded");
  const dones = events(log, "push_done");
  if (hooks.length !== wall.length || dones.length !== wall.length) {
    throw new Error(`expected ${wall.length} pushes in the gate's log, found ${hooks.length}`);
  }
  const phase = (f: (hook: GateEvent, done: GateEvent) => number) =>
    hooks.map((hook, i) => f(hook, dones[i]!));
  const index = phase((h, d) => h.hook_at! - d.backend_at!);
  const after = phase((h, d) => d.done_at! - (h.hook_at! + h.hook_ms!));
  const checks = phase((h) => h.hook_ms! - h.scan_ms! - h.forward_ms!);
  return [
    ["upload of the pack to the gate (spool)", phase((_, d) => d.upload_ms!)],
    ["receive-pack/index-pack to hook start", index],
    ["the hook's start-up and checks", checks],
    ["the pre-receive scan", phase((h) => h.scan_ms!)],
    ["the forward to upstream", phase((h) => h.forward_ms!)],
    ["after the hook (ref update)", after],
    ["client side (pack, ref advert, probe)", phase((_, d) => d.ms!).map((ms, i) => wall[i]! - ms)],
  ];
}

async function main(): Promise<void> {
  await using world = await startWorld("bench-git");
  await using up = await startSshUpstream(world);
  await up.createRepo("app", { seed: true });
  await writeBottle(world, "bench", {
    agent_provider: { template: "shell" },
    supervise: false,
    egress: { routes: [{ host: "example.com" }] },
    "git-gate": {
      user: { name: "Bench", email: "bench@example.test" },
      repos: {
        app: {
          url: up.url("app"),
          host_key: up.hostKey,
          key: { provider: "static", path: up.clientKeyPath },
        },
      },
    },
  });
  await writeAgent(world, "bench", { bottle: "bench" });
  console.error("starting the bottle (builds the images once)…");
  const started = await runCli(world, ["start", "bench", "--yes", "--detach"]);
  const slug = started.stdout.trim().split("\n").at(-1) ?? "";
  if (started.code !== 0) throw new Error(`start failed: ${started.stderr}`);
  world.track(slug);
  try {
    const cloned = await agentBash(world, slug, 'git clone -q "$1" ~/app', {
      args: [up.url("app")],
    });
    if (cloned.code !== 0) throw new Error(`clone failed: ${cloned.stderr}`);
    const direct = await up.directClient(["git", "clone", "-q", up.url("app"), "/tmp/direct"]);
    if (direct.code !== 0) throw new Error(`direct clone failed: ${direct.stderr}`);
    const gate: number[] = [];
    const straight: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      console.error(`round ${round + 1}/${ROUNDS}…`);
      straight.push(ms(
        await up.directClient(["sh", "-c", PUSH, "sh", "/tmp/direct", BYTES, `d${round}`], {
          timeoutMs: PUSH_LIMIT_MS,
        }),
        "direct push",
      ));
      // Not agentBash: its 2-minute limit is too short for 50 MB on a loaded machine.
      const args = ["/home/agent/app", BYTES, `g${round}`];
      gate.push(ms(
        await runCli(world, ["exec", slug, "--", "bash", "-c", PUSH, "bash", ...args], {
          timeoutMs: PUSH_LIMIT_MS,
        }),
        "push through the gate",
      ));
    }
    console.log(`rounds: ${ROUNDS}, ${MEGABYTES} MB of random bytes per push`);
    console.log(line("git push straight to the upstream", straight));
    console.log(line("git push through the git gate", gate));
    console.log(`gate / direct: ${(median(gate) / median(straight)).toFixed(2)}×`);
    // Where the gate's time goes, from its own log (docker backend).
    const logs = await docker(["logs", `bot-bottle-sidecars-${slug}`]);
    for (const [label, samples] of breakdown(logs.stdout + logs.stderr, gate)) {
      console.log(line(`  ${label}`, samples));
    }
  } finally {
    await runCli(world, ["stop", slug]);
  }
}

await main();
