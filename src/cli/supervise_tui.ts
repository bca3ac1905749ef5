/**
 * Bare `bot-bottle supervise`: the full-screen approval UI. It needs a terminal on both ends;
 * scripts use `supervise list|show|approve|reject`.
 */
import { UsageError } from "../../core/errors/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { denoTerminal, runSuperviseTui, type Terminal } from "../supervise_tui/mod.ts";
import type { CliContext } from "./_context.ts";

/**
 * `supervise` with no subcommand.
 *
 * @param ctx The CLI context.
 * @param options The terminal (tests pass a double; default: the process's own).
 * @returns 0 once the operator quits.
 * @throws {UsageError} When stdin or stdout is not a terminal.
 * @throws {Error} When the UI crashed (the message names the crash log).
 */
export async function superviseTuiCommand(
  ctx: CliContext,
  options: { terminal?: () => Terminal } = {},
): Promise<number> {
  if (!ctx.stdinIsTty || !ctx.stdoutIsTty) {
    throw new UsageError(
      "supervise needs a terminal; in scripts use `bot-bottle supervise list|show|approve|reject`",
    );
  }
  const paths = homePaths(ctx.env);
  await runSuperviseTui(paths, {
    terminal: (options.terminal ?? denoTerminal)(),
    user: ctx.env.USER,
  });
  return 0;
}
