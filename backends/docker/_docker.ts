import { EngineCli, type EngineRunOptions } from "../../core/engine_cli/mod.ts";

/**
 * Running the `docker` CLI (or a compatible one): argv arrays only, a minimal environment (the
 * CLI's own settings plus the secrets a `-e NAME` should pick up), and typed failures carrying
 * docker's own words.
 */

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
   */
  constructor(args: readonly string[], result: { code: number; stderr: string }) {
    const what = args.slice(0, 2).join(" ");
    super(`docker ${what} failed (exit ${result.code}): ${result.stderr.trim() || "no output"}`);
    this.name = "DockerError";
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr.trim();
  }
}

/** Options of {@link DockerCli.run}. */
export type DockerRunOptions = EngineRunOptions;

/** The docker-compatible CLI a backend drives (`docker` unless told otherwise). */
export class DockerCli extends EngineCli {
  /** @param program The CLI to run (default `docker`). */
  constructor(program = "docker") {
    super(program, { ownEnv: CLI_ENV, failure: (args, result) => new DockerError(args, result) });
  }
}
