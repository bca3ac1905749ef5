/**
 * `bot-bottle commit [slug]`: snapshot a running bottle's agent filesystem to an image; the
 * bottle keeps running and the next `resume` boots from the image.
 */
import { type BackendRegistry, commitBottle, defaultRegistry } from "../lifecycle/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println } from "./_context.ts";

/**
 * Commit a bottle and print the image reference on stdout.
 *
 * @param ctx The CLI context.
 * @param options The slug (the only running bottle when absent), and the backends.
 * @returns 0.
 * @throws {UsageError} Without a slug, when not exactly one bottle runs.
 * @throws {NotFoundError} When the bottle does not run or has no state.
 */
export async function commitCommand(
  ctx: CliContext,
  options: { slug?: string; registry?: BackendRegistry },
): Promise<number> {
  ctx.stderr.write("bot-bottle: committing the agent's filesystem (the bottle keeps running)\n");
  const { slug, image } = await commitBottle(options.slug, {
    registry: options.registry ?? defaultRegistry(),
    paths: homePaths(ctx.env),
  });
  println(ctx, image);
  ctx.stderr.write(`bot-bottle: ${slug} preserved; the next resume boots ${image}\n`);
  return 0;
}
