/** The error thrown when an image's base is neither on the engine nor pullable. */
import { ImageBuildError } from "./image_build_error.ts";

/**
 * The host setting that names each image's base (`BASE_IMAGE` build argument), for machines
 * whose engine cannot pull the default one.
 */
export const BASE_IMAGE_SETTINGS = {
  agent: "BOT_BOTTLE_AGENT_BASE_IMAGE",
  sidecar: "BOT_BOTTLE_SIDECAR_BASE_IMAGE",
} as const;

/** Options accepted by {@link BaseImageError}. */
export interface BaseImageErrorOptions {
  /** The image that could not be built. */
  tag: string;
  /** What the image is for: it decides which setting the fix names. */
  role: keyof typeof BASE_IMAGE_SETTINGS;
  /** The base image the engine could not pull. */
  baseImage: string;
  /** The engine's one-line reason. */
  reason: string;
}

/**
 * An image cannot be built because its base image is not on the engine and the engine cannot
 * pull it (no registry reachable, or no such image). The message is one line that ends with the
 * fix, in place of the engine's output.
 */
export class BaseImageError extends ImageBuildError {
  /** The base image the engine could not pull. */
  readonly baseImage: string;

  /** @param options The image, its role, its base and the engine's reason. */
  constructor(options: BaseImageErrorOptions) {
    const setting = BASE_IMAGE_SETTINGS[options.role];
    super(
      `its base image "${options.baseImage}" is not on this engine and cannot be pulled ` +
        `(${options.reason}); set ${setting} to an image the engine has ` +
        `(docker image ls), or let the engine reach a registry`,
      { tag: options.tag, output: [] },
    );
    this.name = "BaseImageError";
    this.baseImage = options.baseImage;
  }
}
