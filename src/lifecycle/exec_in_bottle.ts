/** `exec`: run a command in a running bottle as the agent user, wherever it runs. */
import { type BackendRegistry, brokenHint, findActive, isBroken, scanActive } from "./backends.ts";

/**
 * Run a command in a bottle, inheriting stdio. A broken bottle (its sidecar or agent stopped)
 * still gets the command, so its files can be looked at, but the operator is told first.
 *
 * @param slug The bottle's slug.
 * @param options The backends, the command, whether to attach a terminal, where warnings go.
 * @returns The command's exit code.
 * @throws {NotFoundError} When no backend runs the bottle (the running slugs are listed).
 */
export async function execInBottle(
  slug: string,
  options: {
    registry: BackendRegistry;
    command: readonly string[];
    tty: boolean;
    warn(line: string): void;
  },
): Promise<number> {
  const { bottle, backend } = findActive(await scanActive(options.registry), slug);
  if (isBroken(bottle)) {
    options.warn(
      `bottle ${slug} is broken (${bottle.services.join(", ")}); ${brokenHint(slug)}`,
    );
  }
  return (await backend.exec(slug, options.command, { tty: options.tty })).code;
}
