/**
 * While a bottle's command runs, its sidecar is the agent's only way out (egress, the git gate,
 * supervise). When the sidecar stops (killed, crashed, out of memory) the agent keeps running
 * with no egress at all, and nothing would tell the operator: the command just hangs or fails on
 * every request. The watcher asks the backend every few seconds and reports the loss once.
 */
import type { Backend } from "../../backends/mod.ts";

/** Options of {@link watchSidecar}. */
export interface SidecarWatchOptions {
  /** How often to ask the backend. */
  intervalMs: number;
  /** Called once, when the sidecar was seen stopped twice in a row; gets its last log line. */
  onLost(lastWords: string): void;
}

/**
 * Watch a bottle's sidecar until disposed. A backend that cannot answer (the engine busy) is
 * asked again later; only a sidecar seen stopped on two checks in a row counts as lost, so one
 * odd answer never tears down a working bottle.
 *
 * @param backend The backend that runs the bottle.
 * @param slug The bottle's slug.
 * @param options How often to look and whom to tell.
 * @returns A handle that stops watching (a check under way finishes quietly).
 */
export function watchSidecar(
  backend: Backend,
  slug: string,
  options: SidecarWatchOptions,
): Disposable {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let misses = 0;
  const schedule = (ms: number) => {
    if (!done) timer = setTimeout(check, ms);
  };
  const check = async () => {
    let status: { running: boolean; logs: string };
    try {
      status = await backend.sidecarStatus(slug);
    } catch {
      return schedule(options.intervalMs);
    }
    if (done) return;
    misses = status.running ? 0 : misses + 1;
    if (misses < 2) return schedule(misses === 0 ? options.intervalMs : options.intervalMs / 4);
    done = true;
    options.onLost(status.logs.trim().split("\n").at(-1)?.trim() ?? "");
  };
  schedule(options.intervalMs);
  return {
    [Symbol.dispose]() {
      done = true;
      clearTimeout(timer);
    },
  };
}
