// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Bottle start time on Docker (issue 4): `bot-bottle start demo --yes --detach --no-cwd` until it
 * prints the slug (images warm: networks, sidecar, agent, CA, the isolation self-test), and the
 * same start copying this checkout into the workspace (`--cwd`), next to a bare
 * `docker run` of the same agent image, and `stop`. Needs the offline base images
 * (`bash tests/e2e/images/build.sh`) and a Docker engine:
 *
 *     deno task bench:start [rounds]
 *
 * The self-test's targets are an "outside" container this script starts on its own network and
 * a name nothing resolves, so no probe ever leaves the machine. The median plain start is printed
 * as a timeline: every docker call the CLI made (through a logging shim on its PATH) and every
 * progress line, in seconds from the CLI's spawn. `BOT_BOTTLE_RUNTIME` passes through, so
 * `BOT_BOTTLE_RUNTIME=runc deno task bench:start` measures the agent under runc.
 *
 * @module
 */
import { join } from "node:path";
import { agentImageRecipe } from "../../src/images/mod.ts";
import { providerLaunch } from "../../src/plan/mod.ts";
import { installDockerShim, timeline, type Trace, traced } from "./_docker_trace.ts";

const ROUNDS = Number(Deno.args[0] ?? 5);
const RUNTIME = Deno.env.get("BOT_BOTTLE_RUNTIME") ?? "auto";
const REPO = join(import.meta.dirname!, "..", "..");
const AGENT_BASE = "bot-bottle-test/debian:bookworm";
const LABEL = "bot-bottle-test=1";

async function run(program: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(program, { args, env, stdin: "null" }).output();
  const text = new TextDecoder();
  if (out.code !== 0) {
    throw new Error(`${program} ${args.slice(0, 3).join(" ")} failed: ${text.decode(out.stderr)}`);
  }
  return text.decode(out.stdout).trim();
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const value = await fn();
  return [performance.now() - t0, value];
}

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${(median / 1000).toFixed(2)} s (min ${(sorted[0]! / 1000).toFixed(2)}, max ${
    (sorted.at(-1)! / 1000).toFixed(2)
  })`;
}

const home = await Deno.makeTempDir({ prefix: "bb-bench-start-" });
const net = `bb-bench-start-${crypto.randomUUID().slice(0, 8)}`;
const outside = `${net}-outside`;
try {
  await run("docker", ["network", "create", "--label", LABEL, net]);
  await run("docker", [
    "run",
    "--detach",
    "--rm",
    "--label",
    LABEL,
    "--name",
    outside,
    "--network",
    net,
    AGENT_BASE,
    "sleep",
    "infinity",
  ]);
  const outsideIp = await run("docker", [
    "inspect",
    "--format",
    `{{ (index .NetworkSettings.Networks "${net}").IPAddress }}`,
    outside,
  ]);
  const env = {
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    HOME: home,
    BOT_BOTTLE_HOME: join(home, ".bot-bottle"),
    BOT_BOTTLE_AGENT_BASE_IMAGE: AGENT_BASE,
    BOT_BOTTLE_SIDECAR_BASE_IMAGE: `bot-bottle-test/deno:${Deno.version.deno}`,
    BOT_BOTTLE_EGRESS_NETWORK: net,
    BOT_BOTTLE_SELFTEST_TCP: `${outsideIp}:80`,
    BOT_BOTTLE_SELFTEST_DNS: "outside.bench.invalid",
    BOT_BOTTLE_RUNTIME: RUNTIME,
    ...await installDockerShim(home),
  };
  const cli = ["run", "-q", "-P=cli", join(REPO, "main.ts")];
  // An empty workspace, so the figure is the bottle's own start; a second row copies this checkout.
  const startTraced = (copy = false) =>
    traced(
      Deno.execPath(),
      [...cli, "start", "demo", "--yes", "--detach", ...(copy ? ["--cwd", REPO] : ["--no-cwd"])],
      env,
    );
  const start = async (copy = false) => (await startTraced(copy)).stdout;
  const stop = (slug: string) => run(Deno.execPath(), [...cli, "stop", slug], env);

  console.error("warming up (builds the images once)…");
  await stop(await start());
  const image = (await agentImageRecipe(
    { kind: "provider", template: "shell", dockerfile: providerLaunch("shell").dockerfile },
    { baseImage: AGENT_BASE },
  )).tag;

  // A bottle's agent runs under gVisor whenever the engine has it registered: compare like with
  // like, so the bare run uses it too then.
  const runtimes = JSON.parse(await run("docker", ["info", "--format", "{{json .Runtimes}}"]));
  const runtime = RUNTIME !== "runc" && runtimes !== null && "runsc" in runtimes
    ? ["--runtime", "runsc"]
    : [];
  const starts: number[] = [];
  const copying: number[] = [];
  const stops: number[] = [];
  const bare: number[] = [];
  const traces: Trace[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [startMs, { stdout: slug, trace }] = await timed(() => startTraced());
    traces.push(trace);
    const [stopMs] = await timed(() => stop(slug));
    const [copyMs, copied] = await timed(() => start(true));
    await stop(copied);
    copying.push(copyMs);
    const [bareMs] = await timed(() =>
      run("docker", [
        "run",
        "--rm",
        "--label",
        LABEL,
        ...runtime,
        "--network",
        "none",
        image,
        "true",
      ])
    );
    starts.push(startMs);
    stops.push(stopMs);
    bare.push(bareMs);
  }
  console.log(`rounds: ${ROUNDS}, agent image ${image}`);
  console.log(`bare docker run --rm <agent image> true   ${stats(bare)} ${runtime.join(" ")}`);
  console.log(`bot-bottle start demo --detach (ready)    ${stats(starts)}`);
  console.log(`  … copying this checkout (--cwd)          ${stats(copying)}`);
  console.log(`bot-bottle stop                           ${stats(stops)}`);
  console.log(`start / bare run: ${(median(starts) / median(bare)).toFixed(1)}x`);
  const middle = [...traces].sort((a, b) => (a.t1 - a.t0) - (b.t1 - b.t0))[
    Math.floor(traces.length / 2)
  ]!;
  console.log(`\nthe median start, step by step (BOT_BOTTLE_RUNTIME=${RUNTIME}):`);
  for (const row of timeline(middle)) console.log(`  ${row}`);
} finally {
  await new Deno.Command("docker", {
    args: ["rm", "--force", outside],
    stderr: "null",
    stdout: "null",
  })
    .output();
  await new Deno.Command("docker", { args: ["network", "rm", net], stderr: "null", stdout: "null" })
    .output();
  await Deno.remove(home, { recursive: true });
}
