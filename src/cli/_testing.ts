/** Test support: a CLI context whose output is captured, with or without a terminal. */
import type { CliContext } from "./_context.ts";

/** A context plus what was written to it. */
export interface CapturedContext extends CliContext {
  /** Everything written to stdout. */
  readonly out: string;
  /** Everything written to stderr. */
  readonly err: string;
}

/**
 * A CLI context for tests.
 *
 * @param env The environment (usually a temp home's).
 * @param options The cwd and whether stdin/stdout are terminals (default: neither).
 * @returns The context.
 */
export function capturedContext(
  env: Record<string, string>,
  options: { cwd?: string; tty?: boolean } = {},
): CapturedContext {
  const text = { out: "", err: "" };
  return {
    env,
    cwd: options.cwd ?? env.BOT_BOTTLE_HOME ?? "/",
    stdout: { write: (t) => void (text.out += t) },
    stderr: { write: (t) => void (text.err += t) },
    stdinIsTty: options.tty === true,
    stdoutIsTty: options.tty === true,
    get out() {
      return text.out;
    },
    get err() {
      return text.err;
    },
  };
}
