/** `bot-bottle egress serve`: the egress proxy alone on the host (SPEC §4). */
import { NotYetAvailableError } from "../errors/mod.ts";
import type { CliContext } from "./_context.ts";

/**
 * Serve the egress proxy until SIGTERM.
 *
 * @param _ctx The CLI context.
 * @param _options Raw commander options.
 * @returns The exit code.
 */
export function egressServeCommand(
  _ctx: CliContext,
  _options: Record<string, unknown>,
): Promise<number> {
  return Promise.reject(new NotYetAvailableError("egress serve"));
}
