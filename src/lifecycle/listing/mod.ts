/**
 * Which backends the lifecycle talks to, and the bottles they run: the scan `list active`, `stop`,
 * `exec`, `commit`, `resume` and `cleanup` start from, and what `list active` shows of each
 * bottle. Kept apart from the rest of the lifecycle (and from the metadata schema and the
 * planner) because `list active` loads only this. Commands ask every shipped backend that
 * answers here, so they see bottles whichever backend runs them; tests pass a registry of
 * doubles instead of the real backends.
 *
 * @module
 * @example
 * ```ts
 * import { isBroken, isLive } from "./mod.ts";
 * const bottle = { backend: "docker" as const, slug: "dev-1", label: "dev-1", agent: "dev" };
 * console.assert(isLive({ ...bottle, services: ["agent:running", "sidecar:exited"] }));
 * console.assert(isBroken({ ...bottle, services: ["agent:running", "sidecar:exited"] }));
 * ```
 */
import { join } from "node:path";
import {
  type ActiveBottle,
  type Backend,
  backendByName,
  shippedBackends,
} from "../../../backends/mod.ts";
import { messageOf, NotFoundError } from "../../../core/errors/mod.ts";
import { type HomePaths, SLUG_PATTERN } from "../../paths/mod.ts";

/** The backends a command may use. */
export interface BackendRegistry {
  /** Shipped backends, in preference order. */
  shipped: readonly Backend[];
  /** The backend of a name (throws for unknown or unshipped names). */
  byName(name: string): Backend;
}

/**
 * The real backends.
 *
 * @returns The registry of this version's backends.
 */
export function defaultRegistry(): BackendRegistry {
  return { shipped: shippedBackends(), byName: backendByName };
}

/** Running bottles across backends, and why some backends were not asked. */
export interface ActiveScan {
  /** Bottles, by backend then slug. */
  bottles: ActiveBottle[];
  /** Backends that answered. */
  available: Backend[];
  /** One line per backend that could not be asked. */
  warnings: string[];
}

/**
 * The bottles every available shipped backend reports.
 *
 * @param registry The backends.
 * @returns Bottles, the backends asked, and warnings for the others.
 */
export async function scanActive(registry: BackendRegistry): Promise<ActiveScan> {
  // Every backend at once (each is a CLI round trip or two), told in registry order.
  const asked = await Promise.all(registry.shipped.map(askBackend));
  const scan: ActiveScan = {
    bottles: asked.flatMap((a) => a.bottles),
    available: asked.flatMap((a) => a.available === undefined ? [] : [a.available]),
    warnings: asked.flatMap((a) => a.warning === undefined ? [] : [a.warning]),
  };
  // A bottle is the backend's that runs its agent: another engine may host only its sidecar
  // (smolmachines runs its sidecars on docker, whose labels docker lists too).
  const agented = new Set(
    scan.bottles.filter((b) => b.services.some((s) => s.startsWith("agent:"))).map((b) => b.slug),
  );
  scan.bottles = scan.bottles.filter((b) =>
    !agented.has(b.slug) || b.services.some((s) => s.startsWith("agent:"))
  );
  return scan;
}

/**
 * The slugs of every bottle any shipped backend lists, for a new bottle's name: each backend
 * listed at once and without its availability probe (a backend that cannot list has no bottle
 * seen there, as {@link scanActive} would skip it).
 *
 * @param registry The backends.
 * @returns The slugs.
 */
export async function takenSlugs(registry: BackendRegistry): Promise<Set<string>> {
  const listed = await Promise.all(
    registry.shipped.map((backend) => backend.enumerateActive().catch(() => [])),
  );
  return new Set(listed.flat().map((bottle) => bottle.slug));
}

/**
 * One backend's part of {@link scanActive}: whether it can list its bottles, and its list, asked
 * at once. The list of a backend that cannot be asked is never awaited, whatever it answers.
 */
async function askBackend(
  backend: Backend,
): Promise<{ bottles: ActiveBottle[]; available?: Backend; warning?: string }> {
  const listing = backend.enumerateActive().then(
    (bottles) => ({ bottles }),
    (err: unknown) => ({ err }),
  );
  const availability = await (backend.canList?.() ?? backend.isAvailable());
  if (!availability.ok) {
    // A backend whose CLI is not installed has no bottles here: nothing was missed.
    return availability.absent === true
      ? { bottles: [] }
      : { bottles: [], warning: `backend ${backend.name} cannot be asked: ${availability.reason}` };
  }
  const listed = await listing;
  if ("err" in listed) {
    return {
      bottles: [],
      warning: `backend ${backend.name} cannot list its bottles: ${messageOf(listed.err)}`,
    };
  }
  return { bottles: listed.bottles, available: backend };
}

/** A service state that counts as up. */
const UP = /:(running|restarting|paused)$/;

/**
 * Whether a backend reports any of a bottle's services as up (not stopped or exited).
 *
 * @param bottle A bottle from `enumerateActive`.
 * @returns True while at least one service runs.
 */
export function isLive(bottle: ActiveBottle): boolean {
  return bottle.services.some((service) => UP.test(service));
}

/**
 * Whether a live bottle cannot work any more: one of its containers stopped (a killed sidecar
 * leaves the agent with no egress; a killed agent leaves nothing to run), or its agent runs
 * without a sidecar. A launch starts the sidecar first, so a sidecar alone is a launch under way.
 *
 * @param bottle A bottle from `enumerateActive`.
 * @returns True for a live bottle with a stopped or missing container.
 */
export function isBroken(bottle: ActiveBottle): boolean {
  const stopped = bottle.services.some((service) => /:(exited|dead)$/.test(service));
  return isLive(bottle) && (stopped || !isUp(bottle, "sidecar"));
}

/**
 * Whether one of a bottle's containers is up.
 *
 * @param bottle A bottle from `enumerateActive`.
 * @param role Which container.
 * @returns True while it runs (or is paused or restarting).
 */
export function isUp(bottle: ActiveBottle, role: "agent" | "sidecar"): boolean {
  return bottle.services.some((service) => service.startsWith(`${role}:`) && UP.test(service));
}

/**
 * What a user of a broken bottle can do: keep its work for `resume`, or remove it.
 *
 * @param slug The bottle's slug.
 * @returns One sentence, naming the commands.
 */
export function brokenHint(slug: string): string {
  return `to keep its work: bot-bottle commit ${slug}, bot-bottle stop ${slug}, then ` +
    `bot-bottle resume ${slug}; or bot-bottle cleanup removes it`;
}

/**
 * Find a bottle by slug among the active ones.
 *
 * @param scan An active scan.
 * @param slug The slug.
 * @returns The bottle and its backend.
 * @throws {NotFoundError} Listing the active slugs.
 */
export function findActive(
  scan: ActiveScan,
  slug: string,
): { bottle: ActiveBottle; backend: Backend } {
  const bottle = scan.bottles.find((b) => b.slug === slug);
  const backend = scan.available.find((b) => b.name === bottle?.backend);
  if (bottle === undefined || backend === undefined) throw notActive(scan, slug);
  return { bottle, backend };
}

/**
 * The error for a slug that is not running.
 *
 * @param scan An active scan.
 * @param slug The slug asked for.
 * @returns A NotFoundError listing the active slugs.
 */
export function notActive(scan: ActiveScan, slug: string): NotFoundError {
  const slugs = scan.bottles.map((b) => b.slug);
  return new NotFoundError(
    `No running bottle "${slug}" (running: ${slugs.length === 0 ? "none" : slugs.join(", ")})`,
  );
}

/** Colors `--color` accepts (terminal color names). */
export const BOTTLE_COLORS = Object.freeze(
  ["red", "green", "yellow", "blue", "magenta", "cyan", "white", "gray"] as const,
);

/** A color `--color` accepts. */
export type BottleColor = (typeof BOTTLE_COLORS)[number];

/** The file in a bottle's state folder that records how it was started. */
export const METADATA_FILE = "metadata.json";

/**
 * The `--color` a bottle was started with, read from its recorded metadata without the metadata
 * schema (the color is all `list active` takes from it).
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug, as an engine reports it.
 * @returns The color; none for a bottle started from another home (or by hand), without a color,
 *   or whose metadata cannot be read.
 */
export async function recordedColor(
  paths: HomePaths,
  slug: string,
): Promise<BottleColor | undefined> {
  // An engine's label is no path: only a slug names a state folder.
  if (!SLUG_PATTERN.test(slug)) return undefined;
  try {
    const metadata: unknown = JSON.parse(
      await Deno.readTextFile(join(paths.stateDir(slug), METADATA_FILE)),
    );
    const color = (metadata as { color?: unknown } | null)?.color;
    return BOTTLE_COLORS.find((c) => c === color);
  } catch {
    return undefined;
  }
}
