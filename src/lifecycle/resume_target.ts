/**
 * What `resume` relaunches: the recorded agent, backend, label and slug of a bottle whose
 * state was kept, booting its committed image when it has one.
 */
import type { Backend } from "../../backends/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type BackendRegistry, brokenHint, isBroken, scanActive } from "./listing/mod.ts";
import { type BottleMetadata, BottleState } from "./state.ts";

/**
 * The metadata and backend of a bottle to resume.
 *
 * @param slug The bottle's slug.
 * @param options The backends and the home.
 * @returns Its recorded metadata and its backend.
 * @throws {NotFoundError} When the bottle has no state (naming the state directory).
 * @throws {Error} When it is running already, or its backend cannot run here.
 */
export async function resumeTarget(
  slug: string,
  options: { registry: BackendRegistry; paths: HomePaths },
): Promise<{ metadata: BottleMetadata; backend: Backend }> {
  const metadata = await new BottleState(options.paths, slug).read();
  const scan = await scanActive(options.registry);
  const there = scan.bottles.find((b) => b.slug === slug);
  if (there !== undefined && isBroken(there)) {
    throw new Error(`Cannot resume bottle "${slug}": it is there but broken; ${brokenHint(slug)}`);
  }
  if (there !== undefined) {
    throw new Error(
      `Cannot resume bottle "${slug}": it is still there (bot-bottle exec ${slug} -- <cmd…> ` +
        `to use it, or bot-bottle stop ${slug} first)`,
    );
  }
  const backend = options.registry.byName(metadata.backend);
  const availability = await backend.isAvailable();
  if (!availability.ok) {
    throw new Error(
      `Cannot resume bottle "${slug}": backend ${backend.name} cannot run here: ` +
        availability.reason,
    );
  }
  return { metadata, backend };
}
