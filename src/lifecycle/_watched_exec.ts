/**
 * A command run into a bottle on the operator's request (`exec`, `cp`) while the bottle runs
 * detached. When the agent container stops under it, the engine's exec may never return (gVisor:
 * the sandbox is gone but the exec's stream stays open), so the command is watched and given up.
 */
import type { Backend, ExecOptions, ExecResult } from "../../backends/mod.ts";
import { watchBottle } from "./_bottle_watch.ts";

/** How often the agent container is checked while a command runs, unless a caller says. */
const CHECK_MS = 2_000;

/** What a watched command gave, and whether its agent container stopped under it. */
export interface WatchedResult extends ExecResult {
  /** The agent container stopped while the command ran (it was given up, code 137). */
  agentLost: boolean;
}

/**
 * Run `argv` in a bottle as {@link Backend.exec} does, giving it up (code 137) if the agent
 * container stops meanwhile. The sidecar is not watched: a bottle whose sidecar is down may
 * still be looked into.
 *
 * @param backend The bottle's backend.
 * @param slug The bottle.
 * @param argv The command.
 * @param options The exec's options, how often to check (milliseconds), and whom to tell at
 *   once when the agent is lost (before the exec is ended, so a reader of its output can tell a
 *   cut stream from a bad one).
 * @returns The command's result.
 */
export async function execWatched(
  backend: Backend,
  slug: string,
  argv: readonly string[],
  options: Omit<ExecOptions, "signal"> & { checkMs?: number; onLost?: () => void },
): Promise<WatchedResult> {
  const { checkMs = CHECK_MS, onLost, ...exec } = options;
  const gone = new AbortController();
  using _watching = watchBottle(backend, slug, {
    intervalMs: checkMs,
    roles: ["agent"],
    onLost: () => {
      onLost?.();
      gone.abort();
    },
  });
  const result = await backend.exec(slug, argv, { ...exec, signal: gone.signal });
  return { ...result, agentLost: gone.signal.aborted };
}
