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
 * The updates whose `old` id is not what the mirror holds. pre-receive is handed the ids the
 * client claims, and receive-pack checks them only after the hook ran: the leases must rest on
 * what the gate saw, not on what the agent says it saw.
 *
 * @param updates The push's ref updates.
 * @param options Git dir, environment and timeout.
 * @returns The refs whose claimed old id is stale.
 * @throws {GitCommandError} When the mirror's refs cannot be read.
 */
export async function staleUpdates(
  updates: readonly RefUpdate[],
  options: { gitDir: string; env: Record<string, string>; timeoutMs: number },
): Promise<string[]> {
  const listed = await runGit(
    ["--git-dir", options.gitDir, "for-each-ref", "--format=%(refname) %(objectname)"],
    options,
  );
  const held = new Map(
    listed.stdout.split("\n").filter((line) => line !== "").map((line) => {
      const at = line.lastIndexOf(" ");
      return [line.slice(0, at), line.slice(at + 1)] as const;
    }),
  );
  return updates.filter((u) => (held.get(u.ref) ?? "") !== (isZero(u.old) ? "" : u.old))
    .map((u) => u.ref);
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
    // All or nothing: a push refused for one ref must not leave another live upstream.
    ...(args.refspecs.length > 1 ? ["--atomic"] : []),
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
