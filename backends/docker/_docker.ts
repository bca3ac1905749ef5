/**
 * Running the `docker` CLI (or a compatible one): argv arrays only, a minimal environment (the
 * CLI's own settings plus the secrets a `-e NAME` should pick up), and typed failures carrying
 * docker's own words.
 */
import { HostCli, HostCliError } from "../../core/host_cli/mod.ts";
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
export class DockerError extends HostCliError {
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
    super(engine, args, result);
    this.name = "DockerError";
  }
}

/**
 * The docker-compatible CLI a backend drives: its program (`docker` unless told otherwise), its
 * dialect, the environment it runs with, and how to run it.
 */
export class DockerCli extends HostCli {
  /** The engine it drives, and how that engine differs from docker. */
  readonly dialect: EngineDialect;

  /**
   * @param program The CLI to run (default `docker`).
   * @param dialect The engine's differences (default: none, it is docker).
   */
  constructor(program = "docker", dialect: EngineDialect = DOCKER_DIALECT) {
    super(program, CLI_ENV, (args, result) => new DockerError(args, result, dialect.name));
    this.dialect = dialect;
  }
}
