/** `bot-bottle exec <slug> -- <cmd…>`: run a command in a running bottle as the agent user. */
import { UsageError } from "../../core/errors/mod.ts";
import { type BackendRegistry, defaultRegistry, execInBottle } from "../lifecycle/mod.ts";
import { type CliContext, warn } from "./_context.ts";

/**
 * Run a command in a bottle; a terminal is attached only when stdin is one.
 *
 * @param ctx The CLI context.
 * @param options The slug, the command, and the backends (tests pass doubles).
 * @returns The command's exit code.
 * @throws {UsageError} Without a command.
 * @throws {NotFoundError} When the bottle is not running (the running slugs are listed).
 */
export async function execCommand(
  ctx: CliContext,
  options: { slug: string; command: readonly string[]; registry?: BackendRegistry },
): Promise<number> {
  if (options.command.length === 0) {
    throw new UsageError(`no command given: bot-bottle exec ${options.slug} -- <cmd…>`);
  }
  return await execInBottle(options.slug, {
    registry: options.registry ?? defaultRegistry(),
    command: options.command,
    tty: ctx.stdinIsTty,
    warn: (line) => warn(ctx, line),
  });
}
