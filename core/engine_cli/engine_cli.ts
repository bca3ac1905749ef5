/**
 * Running a container engine's CLI (docker, Apple's `container`, …): argv arrays only, a
 * minimal environment (the CLI's own settings plus the secrets a bare `--env NAME` should pick
 * up), and failures the caller types in its engine's own words.
 */

/** What a finished command printed. */
export interface EngineOutput {
  /** Exit code (124 on timeout). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** Options of {@link EngineCli.run}. */
export interface EngineRunOptions {
  /** Values for bare `--env NAME` arguments, added to the CLI's environment. */
  secrets?: Readonly<Record<string, string>>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
  /** Kill the CLI after this many milliseconds (code 124). */
  timeoutMs?: number;
}

/** How an engine's CLI is run. */
export interface EngineCliOptions {
  /** Host variables the CLI itself reads; nothing else of the host environment reaches it. */
  ownEnv: readonly string[];
  /** The error a failed command throws. */
  failure(args: readonly string[], result: EngineOutput): Error;
}

/** An engine CLI: its program, the environment it runs with, and how to run it. */
export class EngineCli {
  /** The program: a name looked up on PATH, or a path. */
  readonly program: string;
  readonly #options: EngineCliOptions;

  /**
   * @param program The CLI to run.
   * @param options Its own environment variables and its error.
   */
  constructor(program: string, options: EngineCliOptions) {
    this.program = program;
    this.#options = options;
  }

  /**
   * The environment the CLI runs with: its own settings from the host, plus secrets.
   *
   * @param secrets Values for bare `--env NAME` arguments.
   * @returns The environment.
   */
  env(secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.#options.ownEnv) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    return { ...env, ...secrets };
  }

  /**
   * A command of the CLI, for callers that stream its input or output.
   *
   * @param args Arguments after the program.
   * @param options How to run it (`env` defaults to {@link EngineCli.env}).
   * @returns The command.
   */
  command(args: readonly string[], options: Deno.CommandOptions = {}): Deno.Command {
    return new Deno.Command(this.program, {
      env: this.env(),
      ...options,
      args: [...args],
      clearEnv: true,
    });
  }

  /**
   * Run the CLI and capture its output.
   *
   * @param args Arguments after the program.
   * @param options Secrets for `--env NAME`, failure handling, timeout.
   * @returns Exit code, stdout and stderr.
   * @throws {Error} The engine's error when it exits non-zero (unless `allowFailure`).
   */
  async run(args: readonly string[], options: EngineRunOptions = {}): Promise<EngineOutput> {
    const signal = options.timeoutMs === undefined
      ? undefined
      : AbortSignal.timeout(options.timeoutMs);
    const output = await this.command(args, {
      env: this.env(options.secrets),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      ...(signal === undefined ? {} : { signal }),
    }).output();
    const decoder = new TextDecoder();
    const result = {
      code: signal?.aborted ? 124 : output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
    if (result.code !== 0 && options.allowFailure !== true) {
      throw this.#options.failure(args, result);
    }
    return result;
  }
}

/**
 * Only the secrets a container's spec names, each of which must have a value: a CLI given a
 * bare `--env NAME` it has no value for drops the variable silently.
 *
 * @param secrets The values the launch holds.
 * @param names The spec's secret variable names.
 * @returns The values to add to the CLI's environment.
 * @throws {TypeError} When a name has no value.
 */
export function pickSecrets(
  secrets: Readonly<Record<string, string>>,
  names: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = secrets[name];
    if (value === undefined) {
      throw new TypeError(`Cannot start a container: no value for its secret variable ${name}`);
    }
    out[name] = value;
  }
  return out;
}
