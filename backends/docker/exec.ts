/**
 * Running commands in a bottle's agent container: `docker exec` as the agent user (root only
 * for provisioning), with a terminal when asked (raw TTY, `TERM` forwarded; docker forwards the
 * window size), inheriting stdio or capturing it.
 *
 * An exec can be given up on: under gVisor a `docker exec` whose sandbox went away never
 * returns, so the caller's abort signal ends the client itself instead of waiting for it.
 */
import type { ExecOptions, ExecResult } from "../types.ts";
import type { DockerCli } from "./_docker.ts";
import { bottleNames } from "./_names.ts";

/**
 * Run a command in the agent container.
 *
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra env, capture, timeout, standard input, abort signal.
 * @returns The exit code (124 on timeout, 137 when aborted) and captured output.
 */
export async function execInAgent(
  cli: DockerCli,
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const env = { ...options.env };
  const term = Deno.env.get("TERM");
  if (options.tty && term !== undefined) env.TERM = term;
  const args = [
    "exec",
    ...(options.capture === true && options.stdin === undefined ? [] : ["--interactive"]),
    ...(options.tty ? ["--tty"] : []),
    "--user",
    options.user === "root" ? "0" : "agent",
    ...Object.keys(env).flatMap((name) => ["--env", name]),
    bottleNames(slug).agent,
    ...argv,
  ];
  const signal = options.timeoutMs === undefined
    ? undefined
    : AbortSignal.timeout(options.timeoutMs);
  const io = options.capture === true ? "piped" : "inherit";
  const child = cli.command(args, {
    env: cli.env(env),
    stdin: options.stdin !== undefined ? "piped" : options.capture === true ? "null" : "inherit",
    stdout: options.stdout !== undefined ? "piped" : io,
    stderr: io,
    ...(signal === undefined ? {} : { signal }),
  }).spawn();
  using _abortable = endOnAbort(child, options.signal);
  // A command that stops reading early ends the feed: its exit code says what happened.
  const feeding = options.stdin?.pipeTo(child.stdin).catch(() => {});
  const draining = options.stdout === undefined ? undefined : child.stdout.pipeTo(options.stdout);
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    options.stdout === undefined && options.capture === true
      ? new Response(child.stdout).text()
      : "",
    options.capture === true ? new Response(child.stderr).text() : "",
    feeding,
    draining,
  ]);
  const code = options.signal?.aborted ? KILLED : signal?.aborted ? 124 : status.code;
  return { code, stdout, stderr };
}

/** The exit code of an exec given up on: what a shell reports for a killed command. */
const KILLED = 137;

/** How long the client gets to restore the terminal after SIGTERM before it is killed. */
const TERM_GRACE_MS = 1_000;

/** End the client when `signal` aborts: SIGTERM first, SIGKILL if it does not listen. */
function endOnAbort(child: Deno.ChildProcess, signal: AbortSignal | undefined): Disposable {
  let grace: ReturnType<typeof setTimeout> | undefined;
  const kill = (name: Deno.Signal) => {
    try {
      child.kill(name);
    } catch {
      // It exited meanwhile: nothing to end.
    }
  };
  const onAbort = () => {
    kill("SIGTERM");
    grace = setTimeout(() => kill("SIGKILL"), TERM_GRACE_MS);
  };
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    [Symbol.dispose]() {
      signal?.removeEventListener("abort", onAbort);
      clearTimeout(grace);
    },
  };
}
