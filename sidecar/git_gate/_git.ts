/**
 * Running git (and, through git, ssh) from the gate: argv arrays, an explicit environment, a
 * timeout on every child, and a typed error carrying git's own words. A failed or timed-out git
 * is an error, never an empty answer: the gate fails closed.
 */

const BOILERPLATE =
  /^(Please make sure you have the correct access rights|and the repository exists\.)$/;

/** A git command that failed, timed out or could not start. */
export class GitCommandError extends Error {
  /** git's arguments. */
  readonly args: readonly string[];
  /** git's trimmed stderr (empty when it did not start). */
  readonly stderr: string;

  /**
   * @param args git's arguments.
   * @param detail What went wrong.
   * @param stderr git's stderr.
   */
  constructor(args: readonly string[], detail: string, stderr = "") {
    // git's closing boilerplate says nothing; the line before it (ssh's own words) says why.
    const words = stderr.split("\n").map((l) => l.trim())
      .filter((l) => l !== "" && !BOILERPLATE.test(l)).slice(-4).join(" / ");
    super(`git ${subcommand(args)} ${detail}${words ? `: ${words}` : ""}`);
    this.name = "GitCommandError";
    this.args = args;
    this.stderr = stderr.trim();
  }
}

/** The subcommand in git's arguments, past the global options and their values. */
function subcommand(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--git-dir" || arg === "-c" || arg === "-C") i++;
    else if (!arg.startsWith("-")) return arg;
  }
  return "";
}

/** Options of {@link runGit}. */
export interface RunGitOptions {
  /** The whole environment of the child (nothing else is inherited). */
  env: Readonly<Record<string, string>>;
  /** Kill git after this many milliseconds. */
  timeoutMs: number;
  /** Working directory. */
  cwd?: string;
  /** Resolve with a non-zero code instead of throwing. */
  allowFailure?: boolean;
}

/** What a finished git child printed. */
export interface GitResult {
  /** Exit code. */
  code: number;
  /** stdout as text. */
  stdout: string;
  /** stderr as text. */
  stderr: string;
}

/**
 * Run git and capture its output.
 *
 * @param args Arguments after `git`.
 * @param options Environment, timeout and working directory.
 * @returns The result.
 * @throws {GitCommandError} When git cannot start, times out, or (unless `allowFailure`) exits
 *   non-zero.
 */
export async function runGit(args: readonly string[], options: RunGitOptions): Promise<GitResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("git", {
      args: [...args],
      env: { ...options.env },
      clearEnv: true,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    throw new GitCommandError(args, `could not start (${(err as Error).message})`);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, options.timeoutMs);
  try {
    const output = await child.output();
    const decoder = new TextDecoder();
    const result = {
      code: output.code,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
    if (timedOut) {
      throw new GitCommandError(
        args,
        `timed out after ${options.timeoutMs / 1000}s`,
        result.stderr,
      );
    }
    if (result.code !== 0 && options.allowFailure !== true) {
      throw new GitCommandError(args, `failed (exit ${result.code})`, result.stderr);
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}
