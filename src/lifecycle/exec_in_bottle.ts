/** `exec`: run a command in a running bottle as the agent user, wherever it runs. */
import { type BackendRegistry, findActive, scanActive } from "./backends.ts";

/**
 * Run a command in a bottle, inheriting stdio.
 *
 * @param slug The bottle's slug.
 * @param options The backends, the command and whether to attach a terminal.
 * @returns The command's exit code.
 * @throws {NotFoundError} When no backend runs the bottle (the running slugs are listed).
 */
export async function execInBottle(
  slug: string,
  options: { registry: BackendRegistry; command: readonly string[]; tty: boolean },
): Promise<number> {
  const { backend } = findActive(await scanActive(options.registry), slug);
  return (await backend.exec(slug, options.command, { tty: options.tty })).code;
}
