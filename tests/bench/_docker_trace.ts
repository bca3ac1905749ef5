/**
 * Where a CLI run's time goes, for the start benchmark: a `docker` shim put first on the CLI's
 * PATH logs every docker invocation (start, end, exit code, what it was) and hands the call to
 * the real CLI unchanged; progress lines are stamped as they arrive. Timestamps are milliseconds
 * since the epoch on both sides, so one run reads as one timeline.
 *
 * @module
 */
import { join } from "node:path";

/** One docker invocation of a traced run. */
export interface DockerCall {
  /** Milliseconds since the epoch when it began. */
  start: number;
  /** Milliseconds since the epoch when it ended. */
  end: number;
  /** E.g. `network create`, `exec curl`, `run`. */
  what: string;
}

/** A traced CLI run. */
export interface Trace {
  /** When the CLI was spawned. */
  t0: number;
  /** When it exited. */
  t1: number;
  /** Every docker call, in start order. */
  calls: DockerCall[];
  /** Progress lines with their arrival times. */
  lines: { at: number; text: string }[];
}

// Logs `start end code subcommand…`; for `exec`, the program run inside (after `--user X`, its
// `--env` pairs and the container name). The paths are written into the script: the backend
// runs docker with a cleared environment.
const SHIM = (docker: string, log: string) =>
  `#!/bin/bash
s=$(date +%s%3N)
${JSON.stringify(docker)} "$@"
rc=$?
e=$(date +%s%3N)
what="$1 $2"
if [ "$1" = exec ]; then
  while [ $# -gt 0 ] && [ "$1" != "--user" ]; do shift; done
  shift 2
  while [ "$1" = "--env" ]; do shift 2; done
  what="exec \${2:-?} \${3:-}"
fi
echo "$s $e $rc $what" >> ${JSON.stringify(log)}
exit $rc
`;

/**
 * Write the shim into a fresh directory.
 *
 * @param dir Where to put it.
 * @returns The environment that routes a CLI's docker calls through it.
 */
export async function installDockerShim(dir: string): Promise<Record<string, string>> {
  const log = join(dir, "calls.log");
  await Deno.writeTextFile(join(dir, "docker"), SHIM(await which("docker"), log), { mode: 0o755 });
  return { PATH: `${dir}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`, BB_TRACE_LOG: log };
}

/**
 * Run a program with the shim's environment, stamping its stderr lines.
 *
 * @param program The program.
 * @param args Its arguments.
 * @param env Its environment (with {@link installDockerShim}'s).
 * @returns Its stdout, and the trace.
 * @throws {Error} When it exits non-zero.
 */
export async function traced(
  program: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ stdout: string; trace: Trace }> {
  const log = env.BB_TRACE_LOG!;
  await Deno.writeTextFile(log, "");
  const t0 = Date.now();
  const child = new Deno.Command(program, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: { at: number; text: string }[] = [];
  const [status, stdout] = await Promise.all([
    child.status,
    new Response(child.stdout).text(),
    (async () => {
      let rest = "";
      for await (const chunk of child.stderr.pipeThrough(new TextDecoderStream())) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        for (const text of parts) lines.push({ at: Date.now(), text });
      }
    })(),
  ]);
  const t1 = Date.now();
  if (!status.success) {
    throw new Error(`${args.slice(-4).join(" ")} failed:\n${lines.map((l) => l.text).join("\n")}`);
  }
  const calls = (await Deno.readTextFile(log)).split("\n").filter(Boolean).map((row) => {
    const [start, end, , ...what] = row.split(" ");
    return { start: Number(start), end: Number(end), what: what.join(" ").trim() };
  }).sort((a, b) => a.start - b.start);
  return { stdout: stdout.trim(), trace: { t0, t1, calls, lines } };
}

/**
 * A run as a timeline: each progress line and docker call with its start and end, in seconds
 * from the CLI's spawn.
 *
 * @param trace The run.
 * @returns Printable lines.
 */
export function timeline(trace: Trace): string[] {
  const s = (ms: number) => ((ms - trace.t0) / 1000).toFixed(2).padStart(5);
  const rows = [
    ...trace.calls.map((c) => ({
      at: c.start,
      text: `${s(c.start)} → ${s(c.end)}  docker ${c.what} (${c.end - c.start} ms)`,
    })),
    ...trace.lines.map((l) => ({ at: l.at, text: `${s(l.at)}          progress: ${l.text}` })),
  ].sort((a, b) => a.at - b.at);
  const first = trace.calls[0]?.start ?? trace.t1;
  return [
    `${s(trace.t0)} → ${s(first)}  CLI start-up, manifests, plan (before the first docker call)`,
    ...rows.map((r) => r.text),
    `${s(trace.t1)}          exit (ready)`,
  ];
}

async function which(program: string): Promise<string> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    const path = join(dir, program);
    try {
      if ((await Deno.stat(path)).isFile) return path;
    } catch {
      // not in this directory
    }
  }
  throw new Error(`${program} is not on PATH`);
}
