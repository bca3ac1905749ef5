/** `exec`: run a command in a running bottle as the agent user, wherever it runs. */
import {
  type BackendRegistry,
  brokenHint,
  findActive,
  isBroken,
  scanActive,
} from "./listing/mod.ts";
import { execWatched } from "./_watched_exec.ts";

/**
 * Run a command in a bottle, inheriting stdio. A broken bottle (its sidecar or agent stopped)
 * still gets the command, so its files can be looked at, but the operator is told first. When
 * the agent container stops under the command, the command is given up (137) and the operator
 * told, rather than left waiting on an exec that may never end.
 *
 * @param slug The bottle's slug.
 * @param options The backends, the command, whether to attach a terminal, where warnings go,
 *   how often to check the agent container (milliseconds).
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
    checkMs?: number;
  },
): Promise<number> {
  const { bottle, backend } = findActive(await scanActive(options.registry), slug);
  if (isBroken(bottle)) {
    options.warn(
      `bottle ${slug} is broken (${bottle.services.join(", ")}); ${brokenHint(slug)}`,
    );
  }
  const result = await execWatched(backend, slug, options.command, {
    tty: options.tty,
    ...(options.checkMs === undefined ? {} : { checkMs: options.checkMs }),
  });
  if (result.agentLost) {
    options.warn(`the agent container of bottle ${slug} stopped; the command was given up`);
  }
  return result.code;
}
