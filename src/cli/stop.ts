/** `bot-bottle stop <slug>`: tear one bottle down; its state is kept only if preserved. */
import { type BackendRegistry, defaultRegistry, stopBottle } from "../lifecycle/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, warn } from "./_context.ts";

/**
 * Stop a bottle.
 *
 * @param ctx The CLI context.
 * @param options The slug, and the backends (tests pass doubles).
 * @returns 0.
 * @throws {NotFoundError} When nothing runs under that slug and it has no state.
 */
export async function stopCommand(
  ctx: CliContext,
  options: { slug: string; registry?: BackendRegistry },
): Promise<number> {
  const outcome = await stopBottle(options.slug, {
    registry: options.registry ?? defaultRegistry(),
    paths: homePaths(ctx.env),
  });
  for (const line of outcome.warnings) warn(ctx, line);
  ctx.stderr.write(
    outcome.keptState === undefined
      ? `bot-bottle: stopped ${options.slug}\n`
      : `bot-bottle: stopped ${options.slug}; state kept in ${outcome.keptState} (preserved); ` +
        `resume with: bot-bottle resume ${options.slug}\n`,
  );
  return 0;
}
