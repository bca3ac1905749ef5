/**
 * Forwarding an accepted push to the upstream (SPEC §6.2): one `git push` over SSH with the
 * repo's key and pinned host key, run inside the push's quarantine so the new objects are
 * visible. Fast-forwards forward as `new:ref`, anything else as `+new:ref`, deletions as `:ref`.
 */
import type { RefUpdate } from "../git_scan/mod.ts";
import { runGit } from "./_git.ts";

/** The all-zero object id git uses for "no object" (SHA-1 or SHA-256 length). */
function isZero(id: string): boolean {
  return /^0+$/.test(id);
}

/**
 * The refspecs that bring the upstream to what the push asked for.
 *
 * @param updates The push's ref updates.
 * @param options Environment (quarantine included), git dir and timeout for ancestry checks.
 * @returns One refspec per update.
 * @throws {GitCommandError} When an ancestry check fails.
 */
export async function forwardRefspecs(
  updates: readonly RefUpdate[],
  options: { gitDir: string; env: Record<string, string>; timeoutMs: number },
): Promise<string[]> {
  const specs: string[] = [];
  for (const update of updates) {
    if (isZero(update.new)) {
      specs.push(`:${update.ref}`);
      continue;
    }
    if (isZero(update.old)) {
      specs.push(`${update.new}:${update.ref}`);
      continue;
    }
    const check = await runGit(
      ["--git-dir", options.gitDir, "merge-base", "--is-ancestor", update.old, update.new],
      { env: options.env, timeoutMs: options.timeoutMs, allowFailure: true },
    );
    if (check.code > 1) {
      await runGit(
        ["--git-dir", options.gitDir, "merge-base", "--is-ancestor", update.old, update.new],
        { env: options.env, timeoutMs: options.timeoutMs },
      );
    }
    specs.push(`${check.code === 0 ? "" : "+"}${update.new}:${update.ref}`);
  }
  return specs;
}

/**
 * Push to the upstream.
 *
 * @param refspecs What to push.
 * @param options Git dir, upstream URL and ssh environment, push options and timeout.
 * @returns git's stderr (the upstream's own messages).
 * @throws {GitCommandError} When the upstream refuses or cannot be reached.
 */
export async function forwardPush(
  refspecs: readonly string[],
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
    "--porcelain",
    "--no-verify",
    ...options.pushOptions.map((option) => `--push-option=${option}`),
    "--",
    options.url,
    ...refspecs,
  ], { env: options.env, timeoutMs: options.timeoutMs });
  return result.stderr;
}

/**
 * The push options the client sent (`git push -o`), as receive-pack hands them to hooks.
 *
 * @param env The hook's environment.
 * @returns The options, in order.
 */
export function pushOptions(env: Readonly<Record<string, string | undefined>>): string[] {
  const count = Number(env.GIT_PUSH_OPTION_COUNT ?? "0");
  if (!Number.isInteger(count) || count < 0 || count > 100) return [];
  const options: string[] = [];
  for (let i = 0; i < count; i++) {
    const value = env[`GIT_PUSH_OPTION_${i}`];
    if (value !== undefined) options.push(value);
  }
  return options;
}
