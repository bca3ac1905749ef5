/**
 * Running the `smolvm` CLI: argv arrays only, a minimal environment (the CLI's own settings plus
 * the values a `--secret-env GUEST=HOST` reference resolves on the host), and typed failures
 * carrying smolvm's own words.
 */

/** Host variables smolvm itself reads; nothing else of the host environment reaches it. */
const CLI_ENV = ["PATH", "HOME", "USER", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_DATA_HOME"] as const;

/** A smolvm command that failed. */
export class SmolvmError extends Error {
  /** The arguments after `smolvm`. */
  readonly args: readonly string[];
  /** smolvm's exit code. */
  readonly code: number;
  /** smolvm's stderr, trimmed. */
  readonly stderr: string;

  /**
   * @param args The arguments after `smolvm`.
   * @param result Exit code and stderr.
   */
  constructor(args: readonly string[], result: { code: number; stderr: string }) {
    const what = args.slice(0, 2).join(" ");
    super(`smolvm ${what} failed (exit ${result.code}): ${result.stderr.trim() || "no output"}`);
    this.name = "SmolvmError";
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr.trim();
  }
}

/** Options of {@link SmolvmCli.run}. */
export interface SmolvmRunOptions {
  /** Values `--secret-env GUEST=HOST` references read, added to the CLI's environment. */
  secrets?: Readonly<Record<string, string>>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
  /** Kill smolvm after this many milliseconds (code 124). */
  timeoutMs?: number;
}

/** The `smolvm` CLI a backend drives: its program, environment, and how to run it. */
export class SmolvmCli {
  /** The program: a name looked up on PATH, or a path. */
  readonly program: string;

  /** @param program The CLI to run (default `smolvm`). */
  constructor(program = "smolvm") {
    this.program = program;
  }

  /**
   * The environment the CLI runs with.
   *
   * @param secrets Values host-side secret references read.
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
   * @param options How to run it (`env` defaults to {@link SmolvmCli.env}).
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
   * @param options Secrets, failure handling, timeout.
   * @returns Exit code, stdout and stderr.
   * @throws {SmolvmError} When it exits non-zero (unless `allowFailure`).
   * @throws {Deno.errors.NotFound} When the CLI is not installed.
   */
  async run(
    args: readonly string[],
    options: SmolvmRunOptions = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
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
    if (result.code !== 0 && options.allowFailure !== true) throw new SmolvmError(args, result);
    return result;
  }
}
