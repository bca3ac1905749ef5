/**
 * Running Apple's `container` CLI: argv arrays only, a minimal environment (the CLI's own
 * settings plus the secrets a bare `--env NAME` should pick up), and typed failures carrying the
 * CLI's own words.
 *
 * Secrets travel by name: `container run --env NAME` without `=` takes the value from the CLI's
 * own environment (apple/container `Sources/ContainerClient/Parser.swift`, `Parser.env`: "if
 * parts.count == 1 … ProcessInfo.processInfo.environment[env]"). A name missing there is
 * silently dropped by the CLI, so callers check every value is present before they run it.
 */

/** Host variables the `container` CLI itself reads; nothing else of the host reaches it. */
const CLI_ENV = ["PATH", "HOME", "USER", "TMPDIR", "XDG_CONFIG_HOME"] as const;

/** A `container` command that failed. */
export class ContainerCliError extends Error {
  /** The arguments after `container`. */
  readonly args: readonly string[];
  /** The CLI's exit code. */
  readonly code: number;
  /** The CLI's stderr, trimmed. */
  readonly stderr: string;

  /**
   * @param args The arguments after `container`.
   * @param result Exit code and stderr.
   * @param options The cause, if any.
   */
  constructor(
    args: readonly string[],
    result: { code: number; stderr: string },
    options?: ErrorOptions,
  ) {
    const what = args.slice(0, 2).join(" ");
    const said = result.stderr.trim() || "no output";
    super(`container ${what} failed (exit ${result.code}): ${said}`, options);
    this.name = "ContainerCliError";
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr.trim();
  }
}

/** Options of {@link ContainerCli.run}. */
export interface ContainerRunOptions {
  /** Values for bare `--env NAME` arguments, added to the CLI's environment. */
  secrets?: Readonly<Record<string, string>>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
  /** Kill the CLI after this many milliseconds (code 124). */
  timeoutMs?: number;
}

/** What a finished command printed. */
export interface CliOutput {
  /** Exit code (124 on timeout). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** The `container` CLI a backend drives, and how to run it. */
export class ContainerCli {
  /** The program: a name looked up on PATH, or a path. */
  readonly program: string;

  /** @param program The CLI to run (default `container`). */
  constructor(program = "container") {
    this.program = program;
  }

  /**
   * The environment the CLI runs with: its own settings from the host, plus secrets.
   *
   * @param secrets Values for bare `--env NAME` arguments.
   * @returns The environment.
   */
  env(secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of CLI_ENV) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    return { ...env, ...secrets };
  }

  /**
   * A command of the CLI, for callers that stream its input or output.
   *
   * @param args Arguments after the program.
   * @param options How to run it (`env` defaults to {@link ContainerCli.env}).
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
   * @throws {ContainerCliError} When it exits non-zero (unless `allowFailure`).
   */
  async run(args: readonly string[], options: ContainerRunOptions = {}): Promise<CliOutput> {
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
      throw new ContainerCliError(args, result);
    }
    return result;
  }

  /**
   * Run the CLI and parse its JSON output.
   *
   * @param args Arguments after the program (a `--format json` or `inspect` command).
   * @returns The parsed value.
   * @throws {ContainerCliError} When it fails or prints something that is not JSON.
   */
  async json(args: readonly string[]): Promise<unknown> {
    const { stdout } = await this.run(args);
    try {
      return JSON.parse(stdout);
    } catch (cause) {
      throw new ContainerCliError(args, { code: 0, stderr: `not JSON: ${stdout.slice(0, 200)}` }, {
        cause,
      });
    }
  }
}
