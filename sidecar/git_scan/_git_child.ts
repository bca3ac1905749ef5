/** Where and how to run git: the bare repo, extra environment, a timeout and the binary. */
export interface GitRunOptions {
  /** The bare repository. */
  gitDir: string;
  /** Extra environment for the child (the hook's quarantine variables). */
  env?: Record<string, string>;
  /** Kill the child and throw after this many milliseconds. */
  timeoutMs: number;
  /** The git binary; default `git`. */
  git?: string;
}

// Replace refs would let a ref pushed earlier swap the content git shows for a commit, hiding it
// from the scan; quotePath=false keeps non-ASCII path bytes raw in diff headers.
const GLOBAL_ARGS = Object.freeze(["--no-replace-objects", "-c", "core.quotePath=false"]);
const STDERR_KEEP = 8 * 1024;

/**
 * Run `git <args>` against the bare repo and hand each stdout chunk to `onChunk` as it arrives,
 * so large output is never held whole. A failed git is an error, never an empty result.
 *
 * @param args Git subcommand and arguments (argv, never a shell string).
 * @param options Repo, environment, timeout and binary.
 * @param onChunk Receives stdout in order; if it throws, git is killed and the error rethrown.
 * @throws {Deno.errors.TimedOut} When git runs longer than `timeoutMs` (it is killed).
 * @throws {Error} When git cannot start or exits non-zero (the message carries its stderr).
 */
export async function streamGit(
  args: readonly string[],
  options: GitRunOptions,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const git = options.git ?? "git";
  const what = `git ${args[0] ?? ""}`;
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(git, {
      args: [...GLOBAL_ARGS, `--git-dir=${options.gitDir}`, ...args],
      env: { ...options.env },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (cause) {
    throw new Error(`Cannot scan push: cannot run ${JSON.stringify(git)}`, { cause });
  }
  const stdout = child.stdout.getReader();
  const stderr = child.stderr.getReader();
  let timedOut = false;
  // Cancelling the pipes too means a grandchild holding them open cannot stall the scan.
  const stop = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    stdout.cancel().catch(() => {});
    stderr.cancel().catch(() => {});
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, options.timeoutMs);
  const errText = readCapped(stderr);
  try {
    for (;;) {
      const { done, value } = await stdout.read();
      if (done) break;
      onChunk(value);
    }
    const [status, message] = await Promise.all([child.status, errText]);
    if (timedOut) {
      throw new Deno.errors.TimedOut(
        `Cannot scan push: ${what} timed out after ${options.timeoutMs} ms`,
      );
    }
    if (!status.success) {
      throw new Error(
        `Cannot scan push: ${what} failed (exit ${status.code}): ${message.trim()}`,
      );
    }
  } catch (error) {
    stop();
    await Promise.allSettled([child.status, errText]);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run git and return its stdout as text (for small outputs such as `rev-list`).
 *
 * @throws {Deno.errors.TimedOut} When git runs longer than `timeoutMs`.
 * @throws {Error} When git cannot start or exits non-zero.
 */
export async function gitText(args: readonly string[], options: GitRunOptions): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  await streamGit(args, options, (chunk) => {
    text += decoder.decode(chunk, { stream: true });
  });
  return text + decoder.decode();
}

async function readCapped(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    // Keep reading past the cap so git never blocks on a full stderr pipe.
    if (text.length < STDERR_KEEP) text += decoder.decode(value, { stream: true });
  }
}
