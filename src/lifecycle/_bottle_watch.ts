/**
 * While a bottle's command runs, its sidecar is the agent's only way out (egress, the git gate,
 * supervise). When the sidecar stops (killed, crashed, out of memory) the agent keeps running
 * with no egress at all, and nothing would tell the operator: the command just hangs or fails on
 * every request. When the agent container stops, the engine's exec into it may never return
 * (gVisor: the sandbox is gone but the exec's stream stays open). The watcher asks the backend
 * every few seconds about both containers and reports the first loss once.
 */
import type { Backend } from "../../backends/mod.ts";
import { isUp } from "./listing/mod.ts";

/** A container of the bottle that stopped under a running command. */
export interface BottleLoss {
  /** Which one. */
  role: "sidecar" | "agent";
  /** Its last log line (the sidecar's; empty for the agent). */
  lastWords: string;
}

/** Options of {@link watchBottle}. */
export interface BottleWatchOptions {
  /** How often to ask the backend. */
  intervalMs: number;
  /** Which containers to watch (default both). */
  roles?: readonly BottleLoss["role"][];
  /** Called once, when a container was seen stopped on two checks in a row. */
  onLost(loss: BottleLoss): void;
}

/**
 * Watch a bottle's sidecar and agent until disposed. A backend that cannot answer (the engine
 * busy) is asked again later; only a container seen stopped on two checks in a row counts as
 * lost, so one odd answer never tears down a working bottle.
 *
 * @param backend The backend that runs the bottle.
 * @param slug The bottle's slug.
 * @param options How often to look and whom to tell.
 * @returns A handle that stops watching (a check under way finishes quietly).
 */
export function watchBottle(
  backend: Backend,
  slug: string,
  options: BottleWatchOptions,
): Disposable {
  let done = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let misses = 0;
  const schedule = (ms: number) => {
    if (!done) timer = setTimeout(check, ms);
  };
  const check = async () => {
    let loss: BottleLoss | undefined;
    try {
      loss = await lossOf(backend, slug, options.roles ?? ["sidecar", "agent"]);
    } catch {
      return schedule(options.intervalMs);
    }
    if (done) return;
    misses = loss === undefined ? 0 : misses + 1;
    if (loss === undefined || misses < 2) {
      return schedule(misses === 0 ? options.intervalMs : options.intervalMs / 4);
    }
    done = true;
    options.onLost(loss);
  };
  schedule(options.intervalMs);
  return {
    [Symbol.dispose]() {
      done = true;
      clearTimeout(timer);
    },
  };
}

/**
 * The stopped container among `roles`, the sidecar first (its loss says more); undefined while
 * they run.
 */
async function lossOf(
  backend: Backend,
  slug: string,
  roles: readonly BottleLoss["role"][],
): Promise<BottleLoss | undefined> {
  const [sidecar, bottles] = await Promise.all([
    roles.includes("sidecar") ? backend.sidecarStatus(slug) : undefined,
    roles.includes("agent") ? backend.enumerateActive() : undefined,
  ]);
  if (sidecar !== undefined && !sidecar.running) {
    return { role: "sidecar", lastWords: sidecar.logs.trim().split("\n").at(-1)?.trim() ?? "" };
  }
  if (bottles === undefined) return undefined;
  const bottle = bottles.find((found) => found.slug === slug);
  // A paused agent is not gone: it comes back where it was.
  return bottle !== undefined && isUp(bottle, "agent")
    ? undefined
    : { role: "agent", lastWords: "" };
}
