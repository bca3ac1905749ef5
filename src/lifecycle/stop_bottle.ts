/**
 * `stop`: tear one bottle down wherever it runs, and delete its state unless it is preserved.
 * A bottle that no longer runs but left state behind (a crash, a non-zero exit) can be stopped
 * too: that is how its kept state is discarded.
 */
import { NotFoundError } from "../../core/errors/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type BackendRegistry, scanActive } from "./listing/mod.ts";
import { BottleState } from "./state.ts";

/** What {@link stopBottle} did. */
export interface StopOutcome {
  /** The backend whose objects were removed, if any ran. */
  backend?: string;
  /** The state directory, when it was kept because it is preserved. */
  keptState?: string;
  /** Lines to print as warnings. */
  warnings: string[];
}

/**
 * Stop a bottle.
 *
 * @param slug The bottle's slug.
 * @param options The backends and the home.
 * @returns What was removed and kept.
 * @throws {NotFoundError} When no backend runs it and it has no state (running slugs listed).
 * @throws {Error} What the backend threw while tearing it down (the state is kept then).
 */
export async function stopBottle(
  slug: string,
  options: { registry: BackendRegistry; paths: HomePaths },
): Promise<StopOutcome> {
  const scan = await scanActive(options.registry);
  const state = new BottleState(options.paths, slug);
  const active = scan.bottles.find((b) => b.slug === slug);
  const hasState = await state.exists();
  if (active === undefined && !hasState) {
    const running = scan.bottles.map((b) => b.slug);
    throw new NotFoundError(
      `No bottle "${slug}": no backend runs it and ${state.dir} does not exist (running: ${
        running.length === 0 ? "none" : running.join(", ")
      })`,
    );
  }
  const name = active?.backend ?? (hasState ? await recordedBackend(state) : undefined);
  const backend = scan.available.find((b) => b.name === name);
  if (backend !== undefined) await backend.stop(slug);
  const outcome: StopOutcome = { warnings: [...scan.warnings] };
  if (backend !== undefined) outcome.backend = backend.name;
  else if (name !== undefined) {
    outcome.warnings.push(`backend ${name} cannot be asked; its objects for ${slug} may remain`);
  }
  if (hasState && await state.preserved()) outcome.keptState = state.dir;
  else await state.remove();
  return outcome;
}

/** The backend recorded in the state, if its metadata is readable. */
async function recordedBackend(state: BottleState): Promise<string | undefined> {
  try {
    return (await state.read()).backend;
  } catch {
    // Unreadable metadata is no reason to refuse removing the state it belongs to.
    return undefined;
  }
}
