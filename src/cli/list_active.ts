/**
 * `bot-bottle list active`: running bottles across the available backends (backend, slug,
 * label and agent, services), or JSON for scripts (each bottle with its `condition`). Bottles
 * whose every service stopped (the engine restarted, a crash) are listed apart as stopped, with
 * the command that removes them; bottles of which one container stopped (a killed sidecar) are
 * listed apart as broken, with how to keep their work or remove them. When a backend could not
 * be asked, "none" is never claimed.
 */
import type { ActiveBottle } from "../../backends/mod.ts";
import {
  type BackendRegistry,
  brokenHint,
  defaultRegistry,
  isBroken,
  isLive,
  recordedColor,
  scanActive,
} from "../lifecycle/listing/mod.ts";
import { homePaths } from "../paths/mod.ts";
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
    println(
      ctx,
      JSON.stringify(scan.bottles.map((bottle) => ({ ...bottle, condition: conditionOf(bottle) }))),
    );
    return 0;
  }
  const running = scan.bottles.filter((bottle) => conditionOf(bottle) === "running");
  const broken = scan.bottles.filter((bottle) => conditionOf(bottle) === "broken");
  const stopped = scan.bottles.filter((bottle) => conditionOf(bottle) === "stopped");
  if (running.length === 0) {
    println(
      ctx,
      scan.warnings.length === 0
        ? "No running bottles."
        : "No running bottles found (not every backend could be asked).",
    );
  } else {
    ctx.stdout.write(renderFields("Running bottles", await rows(ctx, running)));
  }
  if (broken.length > 0) {
    println(ctx, "");
    ctx.stdout.write(renderFields("Broken bottles", await rows(ctx, broken)));
    println(ctx, "");
    println(
      ctx,
      "A broken bottle cannot work: a stopped sidecar leaves its agent with no egress, a " +
        "stopped agent leaves nothing to run.",
    );
    for (const bottle of broken) println(ctx, `${bottle.slug}: ${brokenHint(bottle.slug)}.`);
  }
  if (stopped.length > 0) {
    println(ctx, "");
    ctx.stdout.write(renderFields("Stopped bottles", await rows(ctx, stopped)));
    println(ctx, "");
    println(
      ctx,
      "Nothing runs in a stopped bottle; bot-bottle cleanup removes what is left of it.",
    );
  }
  return 0;
}

/** Whether a bottle works, cannot work any more, or has nothing running. */
function conditionOf(bottle: ActiveBottle): "running" | "broken" | "stopped" {
  return !isLive(bottle) ? "stopped" : isBroken(bottle) ? "broken" : "running";
}

/** One row per bottle: slug, then backend, label (agent) in its color, services. */
async function rows(
  ctx: CliContext,
  bottles: readonly ActiveBottle[],
): Promise<(readonly [string, string])[]> {
  const paths = homePaths(ctx.env);
  return await Promise.all(bottles.map(async (bottle) => {
    const color = await recordedColor(paths, bottle.slug);
    const label = `${bottle.label} (${bottle.agent})`;
    return [
      bottle.slug,
      `${bottle.backend}  ${color === undefined ? label : paint(ctx, color, label)}  ${
        bottle.services.join(", ")
      }`,
    ] as const;
  }));
}
