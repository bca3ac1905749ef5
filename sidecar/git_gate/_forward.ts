/**
 * Forwarding an accepted push to the upstream (SPEC §6.2): one `git push` over SSH with the
 * repo's key and pinned host key, run inside the push's quarantine so the new objects are
 * visible. Every update is leased on the value the gate last saw upstream
 * (`--force-with-lease=<ref>:<old>`, empty for a new ref): a force push or a deletion goes
 * through exactly when the upstream still is where the agent saw it, and never overwrites work
 * that reached the upstream in the meantime (a leading `+` would override the lease).
 */
import type { RefUpdate } from "../git_scan/mod.ts";
import { runGit } from "./_git.ts";

/** The all-zero object id git uses for "no object" (SHA-1 or SHA-256 length). */
function isZero(id: string): boolean {
  return /^0+$/.test(id);
}

/** What `git push` is given for a push's updates. */
export interface ForwardArgs {
  /** `new:ref`, or `:ref` for a deletion. */
  refspecs: string[];
  /** `--force-with-lease=<ref>:<old>` for each update. */
  leases: string[];
}

/**
 * The refspecs and leases that bring the upstream to what the push asked for.
 *
 * @param updates The push's ref updates.
 * @returns One refspec and one lease per update.
 */
export function forwardArgs(updates: readonly RefUpdate[]): ForwardArgs {
  return {
    refspecs: updates.map((u) => `${isZero(u.new) ? "" : u.new}:${u.ref}`),
    leases: updates.map((u) => `--force-with-lease=${u.ref}:${isZero(u.old) ? "" : u.old}`),
  };
}

/**
 * Push to the upstream.
 *
 * @param args Refspecs and leases from {@link forwardArgs}.
 * @param options Git dir, upstream URL and ssh environment, push options and timeout.
 * @returns git's stderr (the upstream's own messages).
 * @throws {GitCommandError} When the upstream refuses any update, has moved since the gate saw
 *   it, or cannot be reached.
 */
export async function forwardPush(
  args: ForwardArgs,
  options: {
    gitDir: string;
    url: string;
    env: Record<string, string>;
    pushOptions: readonly string[];
    timeoutMs: number;
  },
): Promise<string> {
  const result = await runGit([
    "--git-dir",
    options.gitDir,
    "push",
    "--no-verify",
    ...args.leases,
    ...options.pushOptions.map((option) => `--push-option=${option}`),
    "--",
    options.url,
    ...args.refspecs,
  ], { env: options.env, timeoutMs: options.timeoutMs });
  return result.stderr;
}

/**
 * The push options the client sent (`git push -o`), as receive-pack hands them to hooks.
 *
 * @param env The hook's environment.
 * @returns The options, in order.
 * @throws {Error} When the count is malformed or an option is missing.
 */
export function pushOptions(env: Readonly<Record<string, string | undefined>>): string[] {
  const text = env.GIT_PUSH_OPTION_COUNT ?? "0";
  if (!/^\d{1,3}$/.test(text)) throw new Error(`malformed GIT_PUSH_OPTION_COUNT "${text}"`);
  const options: string[] = [];
  for (let i = 0; i < Number(text); i++) {
    const value = env[`GIT_PUSH_OPTION_${i}`];
    if (value === undefined) throw new Error(`push option ${i} is missing`);
    options.push(value);
  }
  return options;
}
