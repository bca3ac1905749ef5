/**
 * Making sure an image exists for Apple's `container`, building it from its recipe when it does
 * not: `container image inspect <ref>` says whether it exists, `container build` makes it
 * (`-f`, `-t`, `--build-arg`, `-l`: command-reference.md, "container build").
 */
import { dirname, join } from "node:path";
import { ImageBuildError, NotFoundError } from "../../core/errors/mod.ts";
import type { BuiltImageRecipe, ImageRecipe, Progress } from "../types.ts";
import type { ContainerCli } from "./_cli.ts";

/**
 * Make sure the recipe's image exists, building it (labelled `bot-bottle.image=<role>`) when its
 * content tag is absent.
 *
 * @param recipe The image.
 * @param progress Receives the build's output lines.
 * @returns The reference to run.
 * @throws {NotFoundError} When an existing (committed) image is gone.
 * @throws {ImageBuildError} When the build fails, with the last lines it printed.
 */
export async function ensureImage(
  cli: ContainerCli,
  recipe: ImageRecipe,
  progress: Progress,
): Promise<string> {
  const inspected = await cli.run(["image", "inspect", recipe.tag], { allowFailure: true });
  if (inspected.code === 0) return recipe.tag;
  if (!recipe.needsBuild) {
    throw new NotFoundError(
      `Cannot use image "${recipe.tag}": ${cli.program} does not have it; start the agent ` +
        "afresh instead of resuming it",
    );
  }
  const { dir, dockerfile, temporary } = await contextDir(recipe);
  try {
    const built = await cli.run([
      "build",
      "--file",
      dockerfile,
      "--tag",
      recipe.tag,
      "--label",
      `bot-bottle.image=${recipe.role}`,
      ...Object.entries(recipe.buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
      "--progress",
      "plain",
      dir,
    ], { allowFailure: true });
    const lines = `${built.stdout}${built.stderr}`.split("\n").filter((line) => line !== "");
    lines.forEach(progress);
    if (built.code !== 0) {
      throw new ImageBuildError(`${cli.program} build exited ${built.code}`, {
        tag: recipe.tag,
        output: lines,
      });
    }
    return recipe.tag;
  } finally {
    if (temporary) await Deno.remove(dir, { recursive: true });
  }
}

/** The recipe's context as a folder: in-memory files are written to a temporary one. */
async function contextDir(
  recipe: BuiltImageRecipe,
): Promise<{ dir: string; dockerfile: string; temporary: boolean }> {
  if (recipe.context.kind === "dir") {
    const { dir, dockerfile } = recipe.context;
    return { dir, dockerfile: join(dir, dockerfile), temporary: false };
  }
  const dir = await Deno.makeTempDir({ prefix: "bot-bottle-build-" });
  for (const [name, bytes] of recipe.context.files) {
    await Deno.mkdir(dirname(join(dir, name)), { recursive: true });
    await Deno.writeFile(join(dir, name), bytes);
  }
  return { dir, dockerfile: join(dir, "Dockerfile"), temporary: true };
}
