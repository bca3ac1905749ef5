/**
 * An engine's host CLI (`docker`, `smolvm`, …): argv arrays only, a minimal environment (the
 * variables the CLI itself reads, plus values a `-e NAME`-style flag picks up by name), and the
 * engine's own typed error when it fails.
 */

/** What a finished CLI run printed. */
export interface CliResult {
  /** Exit code (124 when killed by the timeout). */
  code: number;
  /** Standard output. */
  stdout: string;
  /** Standard error. */
  stderr: string;
}

/** A CLI command that failed, in the tool's own words; each engine names its own subclass. */
export class HostCliError extends Error {
  /** The arguments after the program. */
  readonly args: readonly string[];
  /** The exit code. */
  readonly code: number;
  /** Its stderr, trimmed. */
  readonly stderr: string;

  /**
   * @param tool The tool's name, as messages call it (`docker`, `smolvm`).
   * @param args The arguments after the program.
   * @param result Exit code and stderr.
   */
  constructor(
    tool: string,
    args: readonly string[],
    result: { code: number; stderr: string },
    options?: ErrorOptions,
  ) {
    const what = args.slice(0, 2).join(" ");
    const said = result.stderr.trim() || "no output";
    super(`${tool} ${what} failed (exit ${result.code}): ${said}`, options);
    this.name = "HostCliError";
    this.args = args;
    this.code = result.code;
    this.stderr = result.stderr.trim();
  }
}

/** Options of {@link HostCli.run}. */
export interface CliRunOptions {
  /** Values flags name, added to the CLI's environment (never to its argv). */
  secrets?: Readonly<Record<string, string>>;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
  /** Kill the CLI after this many milliseconds (code 124). */
  timeoutMs?: number;
}

/** A host CLI: its program, the host variables it reads, and the error it fails with. */
export class HostCli {
  /** The program: a name looked up on PATH, or a path. */
  readonly program: string;
  readonly #inherit: readonly string[];
  readonly #failure: (args: readonly string[], result: CliResult) => Error;

  /**
   * @param program The CLI to run.
   * @param inherit Host variables the CLI reads; nothing else of the host environment reaches it.
   * @param failure The error a failed run throws.
   */
  constructor(
    program: string,
    inherit: readonly string[],
    failure: (args: readonly string[], result: CliResult) => Error,
  ) {
    this.program = program;
    this.#inherit = inherit;
    this.#failure = failure;
  }

  /**
   * The environment the CLI runs with.
   *
   * @param secrets Values flags name.
   * @returns The inherited variables and the secrets.
   */
  env(secrets: Readonly<Record<string, string>> = {}): Record<string, string> {
    const env: Record<string, string> = {};
    for (const name of this.#inherit) {
      const value = Deno.env.get(name);
      if (value !== undefined) env[name] = value;
    }
    return { ...env, ...secrets };
  }

  /**
   * A command of the CLI, for callers that stream its input or output.
   *
   * @param args Arguments after the program.
   * @param options How to run it (`env` defaults to {@link HostCli.env}).
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
   * @throws {Error} The CLI's own error when it exits non-zero (unless `allowFailure`).
   * @throws {Deno.errors.NotFound} When the program is not installed.
   */
  async run(args: readonly string[], options: CliRunOptions = {}): Promise<CliResult> {
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
    if (result.code !== 0 && options.allowFailure !== true) throw this.#failure(args, result);
    return result;
  }
}

/** How an attached run of a CLI treats its standard streams. */
export interface AttachedIo {
  /** Capture stdout and stderr instead of inheriting them. */
  capture?: boolean;
  /** Feed this to its standard input (closed at its end). */
  stdin?: ReadableStream<Uint8Array>;
  /** Stream its standard output here (`capture` then keeps stderr only). */
  stdout?: WritableStream<Uint8Array>;
  /**
   * Give up on the command: its client is ended (SIGTERM, then SIGKILL) and the result's code is
   * 137. Under gVisor a `docker exec` whose sandbox went away never returns by itself.
   */
  signal?: AbortSignal;
}

/**
 * Run a CLI command that runs something inside an engine (`docker exec`, `smolvm machine
 * exec`): stdio inherited, captured or streamed as asked, killed after a timeout.
 *
 * @param cli The CLI.
 * @param args Arguments after the program.
 * @param options Secret values by name, the streams, the timeout.
 * @returns The exit code (124 on timeout) and what was captured.
 */
export async function runAttached(
  cli: HostCli,
  args: readonly string[],
  options: AttachedIo & { secrets?: Readonly<Record<string, string>>; timeoutMs?: number },
): Promise<CliResult> {
  const signal = options.timeoutMs === undefined
    ? undefined
    : AbortSignal.timeout(options.timeoutMs);
  const io = options.capture === true ? "piped" : "inherit";
  const child = cli.command(args, {
    env: cli.env(options.secrets),
    stdin: options.stdin !== undefined ? "piped" : options.capture === true ? "null" : "inherit",
    stdout: options.stdout !== undefined ? "piped" : io,
    stderr: io,
    ...(signal === undefined ? {} : { signal }),
  }).spawn();
  using _abortable = endOnAbort(child, options.signal);
  // A command that stops reading early ends the feed: its exit code says what happened.
  const feeding = options.stdin?.pipeTo(child.stdin).catch(() => {});
  const draining = options.stdout === undefined ? undefined : child.stdout.pipeTo(options.stdout);
  const [status, stdout, stderr] = await Promise.all([
    child.status,
    options.stdout === undefined && options.capture === true
      ? new Response(child.stdout).text()
      : "",
    options.capture === true ? new Response(child.stderr).text() : "",
    feeding,
    draining,
  ]);
  const code = options.signal?.aborted ? KILLED : signal?.aborted ? 124 : status.code;
  return { code, stdout, stderr };
}

/** The exit code of a command given up on: what a shell reports for a killed command. */
const KILLED = 137;

/** How long the client gets to restore the terminal after SIGTERM before it is killed. */
const TERM_GRACE_MS = 1_000;

/** End the client when `signal` aborts: SIGTERM first, SIGKILL if it does not listen. */
function endOnAbort(child: Deno.ChildProcess, signal: AbortSignal | undefined): Disposable {
  let grace: ReturnType<typeof setTimeout> | undefined;
  const kill = (name: Deno.Signal) => {
    try {
      child.kill(name);
    } catch {
      // It exited meanwhile: nothing to end.
    }
  };
  const onAbort = () => {
    kill("SIGTERM");
    grace = setTimeout(() => kill("SIGKILL"), TERM_GRACE_MS);
  };
  if (signal?.aborted === true) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  return {
    [Symbol.dispose]() {
      signal?.removeEventListener("abort", onAbort);
      clearTimeout(grace);
    },
  };
}
