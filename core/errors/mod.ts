/**
 * Typed errors shared by the CLI and the sidecar. Only `main.ts` maps them to exit codes.
 *
 * @module
 * @example
 * ```ts
 * import { ManifestError } from "./mod.ts";
 * const err = new ManifestError('unknown key "egres" (did you mean "egress"?)', {
 *   file: "/home/u/.bot-bottle/bottles/dev.md",
 *   line: 4,
 *   column: 1,
 * });
 * console.assert(err.message.startsWith("/home/u/.bot-bottle/bottles/dev.md:4:1: "));
 * ```
 */

/** Where in a source file a problem was found (1-based line and column). */
export interface SourcePosition {
  /** Path of the file. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column number. */
  column: number;
}

/** Options accepted by {@link ManifestError}. */
export interface ManifestErrorOptions extends SourcePosition {
  /** The underlying error, when there is one. */
  cause?: unknown;
}

/**
 * A manifest (bottle, agent, routes file) that cannot be loaded. The message is prefixed with
 * `file:line:col: ` so editors and terminals can jump to it.
 */
export class ManifestError extends SyntaxError {
  /** Path of the offending file. */
  readonly file: string;
  /** 1-based line of the offending node. */
  readonly line: number;
  /** 1-based column of the offending node. */
  readonly column: number;
  /** The message without the position prefix. */
  readonly detail: string;

  /**
   * @param detail What is wrong and how to fix it (no trailing period).
   * @param options Where it is wrong.
   */
  constructor(detail: string, options: ManifestErrorOptions) {
    super(`${options.file}:${options.line}:${options.column}: ${detail}`, {
      cause: options.cause,
    });
    this.name = "ManifestError";
    this.file = options.file;
    this.line = options.line;
    this.column = options.column;
    this.detail = detail;
  }
}

/** A request that names something that does not exist (an agent, a bottle, a slug). */
export class NotFoundError extends Error {
  /**
   * @param message What was not found, and what exists instead.
   * @param options The underlying error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotFoundError";
  }
}

/** The user invoked the CLI wrongly (bad flag value, missing argument). Exit code 2. */
export class UsageError extends TypeError {
  /**
   * @param message What was wrong with the invocation.
   * @param options The underlying error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** A configuration value (flag, environment variable, file) that is invalid. */
export class ConfigError extends TypeError {
  /**
   * @param message What is invalid and how to fix it.
   * @param options The underlying error, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConfigError";
  }
}

/** A command that exists in the CLI surface but is not implemented yet. */
export class NotYetAvailableError extends Error {
  /**
   * @param command The command name, e.g. `"start"`.
   * @param options The underlying error, when there is one.
   */
  constructor(command: string, options?: ErrorOptions) {
    super(`"${command}" is not yet available in this version of bot-bottle`, options);
    this.name = "NotYetAvailableError";
  }
}

/**
 * The message of whatever was thrown, for a line that explains a failure.
 *
 * @param err A caught value (an `Error` or anything else).
 * @returns Its message, or its string form when it is not an `Error`.
 */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export {
  BASE_IMAGE_SETTINGS,
  BaseImageError,
  type BaseImageErrorOptions,
} from "./base_image_error.ts";
export {
  IMAGE_BUILD_TAIL_LINES,
  ImageBuildError,
  type ImageBuildErrorOptions,
} from "./image_build_error.ts";
