/**
 * Running commands in a bottle's agent: `container exec` as the agent user (root only for
 * provisioning), inheriting stdio or capturing it. With a terminal, the host terminal is put in
 * raw mode for the session: Apple's `exec --interactive --tty` relays bytes but leaves the host
 * terminal cooked, so keys such as Shift+Enter would wait for a newline (the original
 * implementation's `pty_forward`); `TERM` is forwarded by name.
 */
import { execIn } from "../../core/engine_cli/mod.ts";
import type { ExecOptions, ExecResult } from "../types.ts";
import type { ContainerCli } from "./_cli.ts";
import { bottleNames } from "./_names.ts";

/**
 * Run a command in the agent container.
 *
 * @param slug The bottle's slug.
 * @param argv The command.
 * @param options TTY, user, extra env, capture, timeout, standard input and output.
 * @returns The exit code (124 on timeout) and captured output.
 */
export function execInAgent(
  cli: ContainerCli,
  slug: string,
  argv: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  return execIn(cli, argv, { ...options, container: bottleNames(slug).agent, rawTerminal: true });
}
