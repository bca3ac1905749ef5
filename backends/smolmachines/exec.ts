/**
 * Running commands in a bottle's machine: `smolvm machine exec` as the agent user (root only
 * for provisioning), with a terminal when asked (`--interactive --tty`, `TERM` forwarded),
 * inheriting stdio or capturing it. Extra variables travel as `--secret-env NAME=NAME`, their
 * values only in smolvm's own environment.
 */
import { runAttached } from "../../core/host_cli/mod.ts";
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
  return await runAttached(cli, args, {
    ...options,
    secrets: env,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs + 5_000 }),
  });
}
