/** The shape of an image recipe: what to build, from what, and under which content tag. */

/** What an image is for; built images carry it as the `bot-bottle.image` label. */
export type ImageRole = "agent" | "sidecar";

/** Where a build's context comes from. */
export type BuildContext =
  /** Files held in memory (the Dockerfile is the one named `Dockerfile`), written to a temp dir. */
  | { kind: "files"; files: ReadonlyMap<string, Uint8Array> }
  /** A host folder used in place, as `docker build -f <dir>/<dockerfile> <dir>` would. */
  | { kind: "dir"; dir: string; dockerfile: string };

/** An image that must be built unless an image with its content tag already exists. */
export interface BuiltImageRecipe {
  /** Always true: see {@link ImageRecipe}. */
  needsBuild: true;
  /** `bot-bottle/<name>:<16 hex>`, a digest of the Dockerfile, every context file and the args. */
  tag: string;
  /** What the image is for. */
  role: ImageRole;
  /** `--build-arg` values (`BASE_IMAGE` when a base was given). */
  buildArgs: Readonly<Record<string, string>>;
  /** The build context. */
  context: BuildContext;
}

/** An image that already exists by reference (made by `commit`); nothing is built. */
export interface ExistingImageRecipe {
  /** Always false: see {@link ImageRecipe}. */
  needsBuild: false;
  /** The image reference to run. */
  tag: string;
  /** What the image is for. */
  role: ImageRole;
}

/** How to obtain one image: build it from a context, or use an existing one. */
export type ImageRecipe = BuiltImageRecipe | ExistingImageRecipe;
