/** Making sure an image exists in a docker engine, building it from its recipe when it does not. */
import { dirname, join } from "node:path";
import {
  BaseImageError,
  IMAGE_BUILD_TAIL_LINES,
  ImageBuildError,
  messageOf,
  NotFoundError,
} from "../../core/errors/mod.ts";
import { baseImageOf } from "./_base_image.ts";
import { forEachLine } from "./_lines.ts";
import type { BuiltImageRecipe, ImageRecipe } from "../types.ts";

/** Options of {@link ensureDockerImage}. */
export interface EnsureDockerImageOptions {
  /** Receives every line the build prints, as it prints it. */
  progress: (line: string) => void;
  /** The docker-compatible CLI to run; defaults to `docker`. */
  docker?: string;
  /** Extra labels for a built image (tests mark theirs), beside `bot-bottle.image`. */
  labels?: Readonly<Record<string, string>>;
}

/** What {@link ensureDockerImage} did. */
export interface EnsuredImage {
  /** The image to run. */
  tag: string;
  /** Whether it was built now (false: it existed already). */
  built: boolean;
}

/**
 * Make sure the recipe's image exists: skip when its content tag is present, else pull its base
 * image when the engine lacks it and build it with `docker build` (labelled
 * `bot-bottle.image=<role>`), streaming the output to `progress`.
 *
 * @param recipe From `agentImageRecipe` or `sidecarImageRecipe`.
 * @param options Progress sink and docker CLI.
 * @returns The tag and whether it was built.
 * @throws {BaseImageError} When the base image is not there and cannot be pulled: one line with
 *   the fix, nothing of the engine's output.
 * @throws {ImageBuildError} When the build fails; it carries the last lines of output.
 * @throws {NotFoundError} When an existing (committed) image is gone.
 */
export async function ensureDockerImage(
  recipe: ImageRecipe,
  options: EnsureDockerImageOptions,
): Promise<EnsuredImage> {
  const docker = options.docker ?? "docker";
  const missing = await inspectFailure(docker, recipe.tag);
  if (missing === undefined) return { tag: recipe.tag, built: false };
  if (!recipe.needsBuild) {
    throw new NotFoundError(
      `Cannot use image "${recipe.tag}": ${docker} does not have it (${missing}); start the agent afresh instead of resuming it`,
    );
  }
  await ensureBase(docker, recipe, options.progress);
  await build(docker, recipe, options);
  return { tag: recipe.tag, built: true };
}

/**
 * Pull the recipe's base image unless the engine has it. A build would pull it too, but its
 * failure would be a page of build output; this one is a {@link BaseImageError}.
 */
async function ensureBase(
  docker: string,
  recipe: BuiltImageRecipe,
  progress: (line: string) => void,
): Promise<void> {
  const base = await baseImageOf(recipe);
  if (base === undefined || await inspectFailure(docker, base) === undefined) return;
  const child = spawnDocker(docker, ["pull", base], recipe.tag);
  const errors: string[] = [];
  const [status] = await Promise.all([
    child.status,
    forEachLine(child.stdout, progress),
    forEachLine(child.stderr, (line) => errors.push(line)),
  ]);
  if (status.success) return;
  throw new BaseImageError({
    tag: recipe.tag,
    role: recipe.role,
    baseImage: base,
    reason: errors.at(-1) ?? `docker pull exited with code ${status.code}`,
  });
}

/** `undefined` when the image exists, else docker's reason. */
async function inspectFailure(docker: string, tag: string): Promise<string | undefined> {
  const args = ["image", "inspect", "--format", "{{.Id}}", tag];
  const result = await spawnDocker(docker, args, tag).output();
  if (result.success) return undefined;
  return new TextDecoder().decode(result.stderr).trim() || `exit code ${result.code}`;
}

async function build(
  docker: string,
  recipe: BuiltImageRecipe,
  options: EnsureDockerImageOptions,
): Promise<void> {
  const labels = { ...options.labels, "bot-bottle.image": recipe.role };
  const args = [
    "build",
    // The legacy builder keeps a failed step's container unless told otherwise.
    "--force-rm",
    ...pairs("--label", labels),
    ...pairs("--build-arg", recipe.buildArgs),
    "--tag",
    recipe.tag,
  ];
  const { context } = recipe;
  if (context.kind === "dir") {
    args.push("--file", join(context.dir, context.dockerfile), context.dir);
    return await streamBuild(docker, args, recipe.tag, options.progress);
  }
  const temp = await writeContext(context.files);
  try {
    await streamBuild(docker, [...args, temp], recipe.tag, options.progress);
  } finally {
    await Deno.remove(temp, { recursive: true });
  }
}

function pairs(flag: string, values: Readonly<Record<string, string>>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [flag, `${key}=${value}`]);
}

async function streamBuild(
  docker: string,
  args: string[],
  tag: string,
  progress: (line: string) => void,
): Promise<void> {
  const tail: string[] = [];
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > IMAGE_BUILD_TAIL_LINES) tail.shift();
    progress(line);
  };
  const child = spawnDocker(docker, args, tag);
  const [status] = await Promise.all([
    child.status,
    forEachLine(child.stdout, onLine),
    forEachLine(child.stderr, onLine),
  ]);
  if (!status.success) {
    throw new ImageBuildError(`docker build exited with code ${status.code}`, {
      tag,
      output: tail,
    });
  }
}

function spawnDocker(docker: string, args: string[], tag: string): Deno.ChildProcess {
  try {
    return new Deno.Command(docker, { args, stdin: "null", stdout: "piped", stderr: "piped" })
      .spawn();
  } catch (err) {
    const reason = messageOf(err);
    throw new ImageBuildError(`"${docker}" cannot be run: ${reason}`, {
      tag,
      output: [],
      cause: err,
    });
  }
}

async function writeContext(files: ReadonlyMap<string, Uint8Array>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "bot-bottle-image-" });
  try {
    for (const [name, bytes] of files) {
      const path = join(dir, name);
      await Deno.mkdir(dirname(path), { recursive: true });
      await Deno.writeFile(path, bytes);
    }
    return dir;
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
}
