/**
 * The images a smolmachines bottle boots: the sidecar's is built by its docker engine; the
 * agent's is built there too and handed to smolvm as a `docker save` archive (`--image
 * <file>.tar`: smol-machines/smolvm `src/cli/machine.rs`, `CreateCmd::image`), written once per
 * content tag. A committed bottle boots its pack (`--from <file>.smolmachine`).
 */
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import type { ImageRecipe, Progress } from "../types.ts";
import { PACK_SUFFIX } from "./_argv.ts";
import type { SmolContext } from "./_context.ts";

/**
 * Make sure an image exists and return what to boot it from.
 *
 * @param ctx The backend.
 * @param recipe The image.
 * @param progress Receives progress lines.
 * @returns The sidecar's image tag, the agent's archive path, or a committed pack's path.
 * @throws {ConfigError} When a committed pack is missing.
 */
export async function ensureImage(
  ctx: SmolContext,
  recipe: ImageRecipe,
  progress: Progress,
): Promise<string> {
  if (recipe.role === "agent" && !recipe.needsBuild && recipe.tag.endsWith(PACK_SUFFIX)) {
    if (!await Deno.stat(recipe.tag).then((s) => s.isFile, () => false)) {
      throw new ConfigError(`Cannot resume: the committed machine ${recipe.tag} is gone`);
    }
    return recipe.tag;
  }
  const tag = await ctx.sidecars.ensureImage(recipe, progress);
  if (recipe.role === "sidecar") return tag;
  const dir = join(ctx.runDir, "images");
  const archive = join(dir, `${tag.replace(/[^A-Za-z0-9._-]/g, "_")}.tar`);
  if (await Deno.stat(archive).then(() => true, () => false)) return archive;
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  progress(`saving ${tag} for smolvm`);
  const partial = `${archive}.partial`;
  await ctx.sidecars.save(tag, partial);
  await Deno.rename(partial, archive);
  return archive;
}
