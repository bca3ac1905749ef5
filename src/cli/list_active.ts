/**
 * `bot-bottle list active`: running bottles across the available backends (backend, slug,
 * label and agent, services), or JSON for scripts.
 */
import {
  type BackendRegistry,
  type BottleMetadata,
  BottleState,
  defaultRegistry,
  scanActive,
} from "../lifecycle/mod.ts";
import { type HomePaths, homePaths } from "../paths/mod.ts";
import { type CliContext, paint, println, warn } from "./_context.ts";
import { renderFields } from "./_fields.ts";

/**
 * List running bottles.
 *
 * @param ctx The CLI context.
 * @param options `--json`, and the backends (tests pass doubles).
 * @returns 0.
 */
export async function listActiveCommand(
  ctx: CliContext,
  options: { json: boolean; registry?: BackendRegistry },
): Promise<number> {
  const scan = await scanActive(options.registry ?? defaultRegistry());
  for (const line of scan.warnings) warn(ctx, line);
  if (options.json) {
    println(ctx, JSON.stringify(scan.bottles));
    return 0;
  }
  if (scan.bottles.length === 0) {
    println(ctx, "No running bottles.");
    return 0;
  }
  const paths = homePaths(ctx.env);
  const rows = await Promise.all(scan.bottles.map(async (bottle) => {
    const color = await recordedColor(paths, bottle.slug);
    const label = `${bottle.label} (${bottle.agent})`;
    return [
      bottle.slug,
      `${bottle.backend}  ${color === undefined ? label : paint(ctx, color, label)}  ${
        bottle.services.join(", ")
      }`,
    ] as const;
  }));
  ctx.stdout.write(renderFields("Running bottles", rows));
  return 0;
}

/** The `--color` a bottle was started with; none when its state is missing or unreadable. */
async function recordedColor(
  paths: HomePaths,
  slug: string,
): Promise<BottleMetadata["color"]> {
  try {
    return (await new BottleState(paths, slug).read()).color;
  } catch {
    // Bottles started from another home (or by hand) have no state here: print them plain.
    return undefined;
  }
}
