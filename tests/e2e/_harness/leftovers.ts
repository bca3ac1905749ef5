/** What a bottle leaves behind: containers and networks by label, and its state dir. */
import { join } from "node:path";
import { objectsByLabel } from "./_docker.ts";

/** A bottle's remains. */
export interface Leftovers {
  /** Containers labelled `bot-bottle.slug=<slug>`. */
  containers: string[];
  /** Networks labelled `bot-bottle.slug=<slug>`. */
  networks: string[];
  /** Whether `$BOT_BOTTLE_HOME/state/<slug>` exists. */
  stateDir: boolean;
}

/** Nothing left. */
export const CLEAN: Readonly<Leftovers> = Object.freeze({
  containers: [],
  networks: [],
  stateDir: false,
});

/**
 * Look for what a bottle left.
 *
 * @param home `BOT_BOTTLE_HOME`.
 * @param slug The bottle's slug.
 * @returns Its containers, networks and whether its state dir exists.
 */
export async function bottleLeftovers(home: string, slug: string): Promise<Leftovers> {
  const objects = await objectsByLabel(`bot-bottle.slug=${slug}`);
  return { ...objects, stateDir: await exists(join(home, "state", slug)) };
}

/**
 * @param left What {@link bottleLeftovers} found.
 * @returns Whether nothing is left.
 */
export function isClean(left: Leftovers): boolean {
  return left.containers.length === 0 && left.networks.length === 0 && !left.stateDir;
}

/**
 * @param left What {@link bottleLeftovers} found.
 * @returns A one-line description for messages.
 */
export function describeLeftovers(left: Leftovers): string {
  return [
    `containers [${left.containers.join(", ")}]`,
    `networks [${left.networks.join(", ")}]`,
    left.stateDir ? "its state dir" : "no state dir",
  ].join(", ");
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
