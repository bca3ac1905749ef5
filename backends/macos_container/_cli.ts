/**
 * Running Apple's `container` CLI (an {@link HostCli} with this engine's environment and
 * error).
 *
 * Secrets travel by name: `container run --env NAME` without `=` takes the value from the CLI's
 * own environment (apple/container `Sources/ContainerClient/Parser.swift`, `Parser.env`: "if
 * parts.count == 1 … ProcessInfo.processInfo.environment[env]"). A name missing there is
 * silently dropped by the CLI, so callers check every value is present (`pickSecrets`).
 */
import { type CliResult, HostCli, HostCliError } from "../../core/host_cli/mod.ts";

/** Host variables the `container` CLI itself reads; nothing else of the host reaches it. */
const CLI_ENV = ["PATH", "HOME", "USER", "TMPDIR", "XDG_CONFIG_HOME"] as const;

/** A `container` command that failed. */
export class ContainerCliError extends HostCliError {
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
    super("container", args, result, options);
    this.name = "ContainerCliError";
  }
}

/** The `container` CLI a backend drives. */
export class ContainerCli extends HostCli {
  /** @param program The CLI to run (default `container`). */
  constructor(program = "container") {
    super(program, CLI_ENV, (args, result) => new ContainerCliError(args, result));
  }

  /**
   * Run the CLI and parse its JSON output.
   *
   * @param args Arguments after the program (a `--format json` or `inspect` command).
   * @returns The parsed value.
   * @throws {ContainerCliError} When it fails or prints something that is not JSON.
   */
  async json(args: readonly string[]): Promise<unknown> {
    const { stdout }: CliResult = await this.run(args);
    try {
      return JSON.parse(stdout);
    } catch (cause) {
      const stderr = `not JSON: ${stdout.slice(0, 200)}`;
      throw new ContainerCliError(args, { code: 0, stderr }, { cause });
    }
  }
}
