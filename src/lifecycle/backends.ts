/**
 * Which backends the lifecycle talks to. Commands ask every shipped backend that answers here,
 * so `list active`, `stop` and `cleanup` see bottles whichever backend runs them; tests pass a
 * registry of doubles instead of the real backends.
 */
import {
  type ActiveBottle,
  type Availability,
  type Backend,
  backendByName,
  shippedBackends,
} from "../../backends/mod.ts";
import { messageOf, NotFoundError } from "../../core/errors/mod.ts";

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

/** Options of {@link chooseBackend}. */
export interface ChooseBackendOptions {
  /** `--backend`, else `BOT_BOTTLE_BACKEND`. */
  requested?: string;
  /** Asks the operator when several backends are available (only with a terminal). */
  pick?: (names: string[]) => Promise<string>;
  /** Accept an unavailable backend (for `--dry-run`), with a warning. */
  allowUnavailable?: boolean;
}

/**
 * Choose the backend for a new bottle: the requested one, else the only available one, else
 * the operator's pick, else the first available one.
 *
 * @param registry The backends.
 * @param options The request and the picker.
 * @returns The backend, and warnings to print.
 * @throws {UsageError} For an unknown backend name.
 * @throws {NotYetAvailableError} For a backend this version does not ship.
 * @throws {Error} When the chosen backend (or every backend) cannot run here, with the reason.
 */
export async function chooseBackend(
  registry: BackendRegistry,
  options: ChooseBackendOptions = {},
): Promise<{ backend: Backend; warnings: string[] }> {
  if (options.requested !== undefined && options.requested !== "") {
    const backend = registry.byName(options.requested);
    const availability = await backend.isAvailable();
    if (availability.ok) return { backend, warnings: [] };
    return unavailable(backend, availability.reason, options);
  }
  if (options.pick === undefined) {
    // Nobody to ask: the first available backend in preference order, the later ones never
    // probed (podman's probe alone costs most of a second).
    const checked: { backend: Backend; availability: Availability }[] = [];
    for (const backend of registry.shipped) {
      const availability = await backend.isAvailable();
      if (availability.ok) return { backend, warnings: [] };
      checked.push({ backend, availability });
    }
    return noneAvailable(checked, options);
  }
  const checked = await Promise.all(
    registry.shipped.map(async (backend) => ({
      backend,
      availability: await backend.isAvailable(),
    })),
  );
  const available = checked.filter((c) => c.availability.ok).map((c) => c.backend);
  const [first, ...more] = available;
  if (first === undefined) return noneAvailable(checked, options);
  if (more.length === 0) return { backend: first, warnings: [] };
  const name = await options.pick(available.map((b) => b.name));
  return { backend: available.find((b) => b.name === name) ?? first, warnings: [] };
}

/** No backend can run here: the first one with a warning for a dry run, else the reasons. */
function noneAvailable(
  checked: readonly { backend: Backend; availability: Availability }[],
  options: ChooseBackendOptions,
): { backend: Backend; warnings: string[] } {
  const head = checked[0];
  if (head === undefined) throw new Error("Cannot start a bottle: this build ships no backend");
  const reasons = checked.map((c) =>
    `${c.backend.name}: ${c.availability.ok ? "ok" : c.availability.reason}`
  );
  if (options.allowUnavailable === true) {
    return {
      backend: head.backend,
      warnings: [`no backend can run here (${reasons.join("; ")})`],
    };
  }
  throw new Error(
    `Cannot start a bottle: no backend can run here (${reasons.join("; ")}); ` +
      "run bot-bottle doctor",
  );
}

function unavailable(
  backend: Backend,
  reason: string,
  options: ChooseBackendOptions,
): { backend: Backend; warnings: string[] } {
  if (options.allowUnavailable === true) {
    return { backend, warnings: [`backend ${backend.name} cannot run here: ${reason}`] };
  }
  throw new Error(`Cannot use backend "${backend.name}": ${reason}; run bot-bottle doctor`);
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
