/**
 * Running the `smolvm` CLI: argv arrays only, a minimal environment (the CLI's own settings plus
 * the values a `--secret-env GUEST=HOST` reference resolves on the host), and typed failures
 * carrying smolvm's own words.
 */
import { HostCli, HostCliError } from "../../core/host_cli/mod.ts";

/** Host variables smolvm itself reads; nothing else of the host environment reaches it. */
const CLI_ENV = ["PATH", "HOME", "USER", "TMPDIR", "XDG_RUNTIME_DIR", "XDG_DATA_HOME"] as const;

/** A smolvm command that failed. */
export class SmolvmError extends HostCliError {
  /**
   * @param args The arguments after `smolvm`.
   * @param result Exit code and stderr.
   */
  constructor(args: readonly string[], result: { code: number; stderr: string }) {
    super("smolvm", args, result);
    this.name = "SmolvmError";
  }
}

/** The `smolvm` CLI a backend drives: its program, environment, and how to run it. */
export class SmolvmCli extends HostCli {
  /** @param program The CLI to run (default `smolvm`). */
  constructor(program = "smolvm") {
    super(program, CLI_ENV, (args, result) => new SmolvmError(args, result));
  }
}
