/**
 * `bot-bottle cleanup [--yes]`: one combined plan across every backend (leftover containers,
 * networks, images) and orphan state directories, one y/N, then best-effort removal with a
 * warning per step that failed.
 */
import { UsageError } from "../../core/errors/mod.ts";
import {
  type BackendRegistry,
  defaultRegistry,
  planCleanup,
  runCleanup,
} from "../lifecycle/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";
import { renderFields } from "./_fields.ts";
import { confirmYesNo } from "./_pickers.ts";

/**
 * Clean up.
 *
 * @param ctx The CLI context.
 * @param options `--yes`, and the backends (tests pass doubles).
 * @returns 0 when everything was removed (or nothing was there), 1 when declined or a step failed.
 * @throws {UsageError} Without a terminal and without `--yes`.
 */
export async function cleanupCommand(
  ctx: CliContext,
  options: { yes: boolean; registry?: BackendRegistry },
): Promise<number> {
  if (!options.yes && !ctx.stdinIsTty) {
    throw new UsageError("no terminal to confirm the cleanup: pass --yes");
  }
  const paths = homePaths(ctx.env);
  const plan = await planCleanup(options.registry ?? defaultRegistry(), paths);
  for (const line of plan.warnings) warn(ctx, line);
  const rows = [
    ...plan.backends.flatMap(({ backend, steps }) =>
      steps.map((step) => [step.kind, `${step.name}  (${backend.name})`] as const)
    ),
    ...plan.state.map((step) => ["state", step.name] as const),
  ];
  if (rows.length === 0) {
    println(ctx, "Nothing to clean up.");
    return 0;
  }
  ctx.stdout.write(renderFields("Cleanup plan", rows));
  if (!options.yes && !await confirmYesNo(`Remove these ${rows.length} items?`)) {
    ctx.stderr.write("bot-bottle: nothing removed\n");
    return 1;
  }
  const warnings = await runCleanup(plan, paths);
  for (const line of warnings) warn(ctx, line);
  println(ctx, `Removed ${rows.length - warnings.length} of ${rows.length}.`);
  return warnings.length === 0 ? 0 : 1;
}
