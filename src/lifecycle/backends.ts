/**
 * Choosing the backend for a new bottle among the registry's (see `listing/mod.ts`).
 */
import type { Availability, Backend } from "../../backends/mod.ts";
import type { BackendRegistry } from "./listing/mod.ts";

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
