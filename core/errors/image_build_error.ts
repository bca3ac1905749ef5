/** The error thrown when an image cannot be built, with the end of the build's output. */

/** Options accepted by {@link ImageBuildError}. */
export interface ImageBuildErrorOptions {
  /** The image that failed to build (`repository:tag`). */
  tag: string;
  /** The last lines the build printed, oldest first. */
  output: readonly string[];
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * An image build (or the sidecar bundle it needs) failed. The message ends with the last lines of
 * the build output so that a user sees why without rerunning with more logging.
 */
export class ImageBuildError extends Error {
  /** The image that failed to build. */
  readonly tag: string;
  /** The last lines the build printed (at most {@link IMAGE_BUILD_TAIL_LINES}). */
  readonly output: readonly string[];

  /**
   * @param detail What failed, without the output (no trailing period).
   * @param options The image, the output tail and the cause.
   */
  constructor(detail: string, options: ImageBuildErrorOptions) {
    const tail = options.output.slice(-IMAGE_BUILD_TAIL_LINES);
    const shown = tail.length === 0 ? "" : `\n${tail.map((line) => `  ${line}`).join("\n")}`;
    super(`Cannot build image "${options.tag}": ${detail}${shown}`, { cause: options.cause });
    this.name = "ImageBuildError";
    this.tag = options.tag;
    this.output = Object.freeze([...tail]);
  }
}

/** How many lines of build output an {@link ImageBuildError} keeps. */
export const IMAGE_BUILD_TAIL_LINES = 20;
