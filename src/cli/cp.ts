/** `bot-bottle cp <slug>:<path> <host-dir>`: copy results out of a bottle, on the operator's word. */
import { resolve } from "node:path";
import { UsageError } from "../../core/errors/mod.ts";
import { type BackendRegistry, copyOut, defaultRegistry, printable } from "../lifecycle/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";

/**
 * Copy a file or folder out of a running bottle.
 *
 * @param ctx The CLI context.
 * @param options `<slug>:<path>`, the host folder, and the backends (tests pass doubles).
 * @returns 0 once copied.
 * @throws {UsageError} For a malformed source or any refusal of the copy.
 */
export async function cpCommand(
  ctx: CliContext,
  options: { source: string; hostDir: string; registry?: BackendRegistry },
): Promise<number> {
  const colon = options.source.indexOf(":");
  const slug = options.source.slice(0, colon);
  const path = options.source.slice(colon + 1);
  if (colon <= 0 || path === "") {
    throw new UsageError(
      `cp: "${options.source}" is not <slug>:<path> (e.g. bot-bottle cp dev-3f9a1c:dist ./out)`,
    );
  }
  const copied = await copyOut(slug, path, resolve(ctx.cwd, options.hostDir), {
    registry: options.registry ?? defaultRegistry(),
  });
  for (const name of copied.skipped) {
    warn(ctx, `cp: skipped ${printable(name)} (not a file, folder or symlink)`);
  }
  println(ctx, copied.path);
  return 0;
}
