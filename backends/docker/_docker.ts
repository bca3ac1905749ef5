/**
 * Running the `docker` CLI (or a compatible one): argv arrays only, a minimal environment (the
 * CLI's own settings plus the secrets a `-e NAME` should pick up), and typed failures carrying
 * docker's own words.
 */
import type { EngineDialect } from "../types.ts";
import { DOCKER_DIALECT } from "./_dialect.ts";

/** Host variables the docker CLI itself reads; nothing else of the host environment reaches it. */
const CLI_ENV = [
  "PATH",
  "HOME",
  "USER",
  "XDG_RUNTIME_DIR",
  "DOCKER_HOST",
  "DOCKER_CONTEXT",
  "DOCKER_CONFIG",
  "DOCKER_CERT_PATH",
  "DOCKER_TLS_VERIFY",
  "DOCKER_API_VERSION",
  // podman's: its containers.conf and storage.conf locations.
  "CONTAINERS_CONF",
  "CONTAINERS_STORAGE_CONF",
] as const;

/** A docker command that failed. */
export class DockerError extends Error {
  /** The arguments after `docker`. */
  readonly args: readonly string[];
  /** docker's exit code. */
  readonly code: number;
  /** docker's stderr, trimmed. */
  readonly stderr: string;

  /**
   * @param args The arguments after `docker`.
   * @param result Exit code and stderr.
   * @param engine The CLI's name in the message.
   */
  constructor(
    args: readonly string[],
    result: { code: number; stderr: string },
    engine = "docker",
  ) {
    const what = args.slice(0, 2).join(" ");
    super(`${engine} ${what} failed (exit ${result.code}): ${result.stderr.trim() || "no output"}`);
    this.name = "DockerError";
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr.trim();
  }
}

/** Options of {@link DockerCli.run}. */
export interface DockerRunOptions {
  /** Values for `-e NAME` arguments, added to the CLI's environment. */
  secrets?: Readonly<Record<string, string>>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
  /** Kill docker after this many milliseconds (code 124). */
  timeoutMs?: number;
}

/**
 * The docker-compatible CLI a backend drives: its program (`docker` unless told otherwise), the
 * environment it runs with, and how to run it.
 */
export class DockerCli {
  /** The program: a name looked up on PATH, or a path. */
  readonly program: string;
  /** The engine it drives, and how that engine differs from docker. */
  readonly dialect: EngineDialect;

  /**
   * @param program The CLI to run (default `docker`).
   * @param dialect The engine's differences (default: none, it is docker).
   */
  constructor(program = "docker", dialect: EngineDialect = DOCKER_DIALECT) {
    this.program = program;
    this.dialect = dialect;
  }

  /**
   * The environment the CLI runs with: its own settings from the host, plus the secrets a
   * `-e NAME` should pick up.
   *
   * @param secrets Values for `-e NAME` arguments.
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
   * @param options How to run it (`env` defaults to {@link DockerCli.env}).
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
   * @param options Secrets for `-e NAME`, failure handling, timeout.
   * @returns Exit code, stdout and stderr.
   * @throws {DockerError} When it exits non-zero (unless `allowFailure`).
   */
  async run(
    args: readonly string[],
    options: DockerRunOptions = {},
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
    if (result.code !== 0 && options.allowFailure !== true) {
      throw new DockerError(args, result, this.dialect.name);
    }
    return result;
  }
}
