/**
 * Running commands in a bottle's machine: `smolvm machine exec` as the agent user (root only
 * for provisioning), with a terminal when asked (`--interactive --tty`, `TERM` forwarded),
 * inheriting stdio or capturing it. Extra variables travel as `--secret-env NAME=NAME`, their
 * values only in smolvm's own environment.
 */
import type { ExecOptions, ExecResult } from "../types.ts";
import { execArgs } from "./_argv.ts";
import type { SmolvmCli } from "./_smolvm.ts";

/**
 * Run a command in the agent's machine.
 *
 * @param cli The smolvm CLI.
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra env, capture, timeout, standard input and output.
 * @returns The exit code (124 on timeout) and captured output.
 */
export async function execInMachine(
  cli: SmolvmCli,
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const env = { ...options.env };
  const term = options.tty ? Deno.env.get("TERM") : undefined;
  const interactive = options.tty || options.stdin !== undefined || options.capture !== true;
  const args = execArgs(slug, argv, {
    tty: options.tty,
    ...(options.user === undefined ? {} : { user: options.user }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    interactive,
    secretNames: Object.keys(env),
    ...(term === undefined ? {} : { term }),
  });
  // smolvm's own --timeout ends the guest process; this one ends a client that hangs.
  const signal = options.timeoutMs === undefined
    ? undefined
    : AbortSignal.timeout(options.timeoutMs + 5_000);
  const io = options.capture === true ? "piped" : "inherit";
  const child = cli.command(args, {
    env: cli.env(env),
    stdin: options.stdin !== undefined ? "piped" : options.capture === true ? "null" : "inherit",
    stdout: options.stdout !== undefined ? "piped" : io,
    stderr: io,
    ...(signal === undefined ? {} : { signal }),
  }).spawn();
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
  return { code: signal?.aborted ? 124 : status.code, stdout, stderr };
}
