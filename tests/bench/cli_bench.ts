// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * CLI start-up from source (issue 16: `--help` and `list` under 100 ms): wall time of
 * `deno run -q -P=cli main.ts --help`, `list` and `list active`, each beside a bare `deno run` of an
 * empty script with the same config (Deno's own start, the baseline). Every command runs once
 * untimed first, so Deno's transpile and V8 code caches are warm: the figures are warm starts.
 * Rounds interleave the commands, so a burst of load on the machine hits all of them alike; with
 * GNU time installed each figure also has its CPU time (user + system, the engine CLIs `list
 * active` runs included), which load stretches far less than wall time.
 *
 *     deno task bench:cli [rounds] [--entry /path/to/other/main.ts]…
 *
 * Each `--entry` adds another checkout's entry point (e.g. main's, for a before/after), timed in
 * the same rounds as this one. `list` reads a temporary home with three agents; `list active`
 * asks this host's real engines.
 *
 * @module
 */
import { join } from "node:path";

const args = [...Deno.args];
const ENTRIES = [new URL("../../main.ts", import.meta.url).pathname];
for (let at = args.indexOf("--entry"); at >= 0; at = args.indexOf("--entry")) {
  ENTRIES.push(args.splice(at, 2)[1]!);
}
const ROUNDS = Number(args[0] ?? 15);
const CONFIG = new URL("../../deno.json", import.meta.url).pathname;

/** A bench case: a name and the arguments after `deno`. */
interface Case {
  name: string;
  argv: string[];
}

/**
 * GNU time, for the CPU time (user + system) of each run beside its wall time: on a loaded
 * machine wall times stretch with the load, CPU times far less. Without it, wall time only.
 */
const GNU_TIME = "/usr/bin/time";

/** One run's wall time and, with GNU time, its CPU time (ms). */
interface Sample {
  wall: number;
  cpu?: number;
}

/** Time one run; it must exit 0. */
async function timed(
  argv: readonly string[],
  options: { env: Record<string, string>; cwd: string; gnuTime: boolean },
): Promise<Sample> {
  const { gnuTime, ...spawn } = options;
  const [program, args] = gnuTime
    ? [GNU_TIME, ["-f", "cpu %U %S", Deno.execPath(), ...argv]]
    : [Deno.execPath(), [...argv]];
  const started = performance.now();
  const { code, stderr } = await new Deno.Command(program, {
    args,
    ...spawn,
    stdout: "null",
    stderr: "piped",
  }).output();
  const wall = performance.now() - started;
  const text = new TextDecoder().decode(stderr);
  if (code !== 0) throw new Error(`deno ${argv.join(" ")} exited ${code}: ${text}`);
  const cpu = /^cpu (\S+) (\S+)$/m.exec(text);
  return cpu === null ? { wall } : { wall, cpu: (Number(cpu[1]) + Number(cpu[2])) * 1000 };
}

function median(samples: readonly number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

function row(name: string, samples: readonly Sample[], baseline: number): string {
  const walls = samples.map((s) => s.wall);
  const m = median(walls);
  const range = `${Math.min(...walls).toFixed(0)}-${Math.max(...walls).toFixed(0)}`;
  const added = name === "baseline" ? "" : `, +${(m - baseline).toFixed(0)} over baseline`;
  const cpus = samples.flatMap((s) => s.cpu === undefined ? [] : [s.cpu]);
  const cpu = cpus.length === 0 ? "" : `; cpu median ${median(cpus).toFixed(0)} ms`;
  return `${name.padEnd(16)} wall median ${
    m.toFixed(0).padStart(4)
  } ms (range ${range}${added})${cpu}`;
}

async function main(): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "bb-cli-bench-" });
  try {
    await Deno.mkdir(join(home, "agents"));
    for (const name of ["dev", "review", "docs"]) {
      await Deno.writeTextFile(
        join(home, "agents", `${name}.md`),
        `---\nbottle: ${name}\n---\nYou are ${name}.\n`,
      );
    }
    const empty = join(home, "empty.ts");
    await Deno.writeTextFile(empty, "");
    const gnuTime = await Deno.stat(GNU_TIME).then(() => true, () => false);
    const at = {
      env: { ...Deno.env.toObject(), BOT_BOTTLE_HOME: home, NO_COLOR: "1" },
      cwd: home,
      gnuTime,
    };
    const run = ["run", "-q", "--config", CONFIG, "-P=cli"];
    const cases: Case[] = [
      { name: "baseline", argv: [...run, empty] },
      ...ENTRIES.flatMap((entry, i) => {
        const tag = i === 0 ? "" : ` [${i}]`;
        return [
          { name: `--help${tag}`, argv: [...run, entry, "--help"] },
          { name: `list${tag}`, argv: [...run, entry, "list"] },
          { name: `list active${tag}`, argv: [...run, entry, "list", "active"] },
        ];
      }),
    ];
    for (const c of cases) await timed(c.argv, at);
    const samples = new Map(cases.map((c) => [c.name, [] as Sample[]]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) samples.get(c.name)!.push(await timed(c.argv, at));
    }
    const [one, five, fifteen] = Deno.loadavg();
    console.log(`CLI start-up, ${ROUNDS} warm rounds; baseline: deno run of an empty file`);
    ENTRIES.forEach((entry, i) => console.log(`${i === 0 ? "   " : `[${i}]`} ${entry}`));
    console.log(`load average ${one} ${five} ${fifteen} on ${navigator.hardwareConcurrency} cores`);
    const baseline = median(samples.get("baseline")!.map((s) => s.wall));
    for (const c of cases) console.log(row(c.name, samples.get(c.name)!, baseline));
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

await main();
