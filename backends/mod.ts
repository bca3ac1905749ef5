/**
 * The backends (SPEC §5) and how one is chosen: `--backend`, else `BOT_BOTTLE_BACKEND`, else
 * the platform default. `docker` and `macos-container` ship; `smolmachines` is named so that a
 * user asking for it gets a clear answer.
 *
 * @module
 * @example
 * ```ts
 * import { backendByName } from "./mod.ts";
 * console.assert(backendByName("docker").name === "docker");
 * ```
 */
import { NotYetAvailableError, UsageError } from "../core/errors/mod.ts";
import { backend as docker } from "./docker/mod.ts";
import { backend as macosContainer } from "./macos_container/mod.ts";
import type { Backend, BackendName } from "./types.ts";

export type * from "./types.ts";

/** Every backend name, in the order messages list them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze([
  "docker",
  "macos-container",
  "smolmachines",
]);

/**
 * The backend of a name.
 *
 * @param name A name from `--backend`, `BOT_BOTTLE_BACKEND` or a bottle's metadata.
 * @returns The backend.
 * @throws {UsageError} For an unknown name (the valid ones are listed).
 * @throws {NotYetAvailableError} For a backend this version does not ship.
 */
export function backendByName(name: string): Backend {
  if (name === "docker") return docker;
  if (name === "macos-container") return macosContainer;
  if ((BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new NotYetAvailableError(`backend ${name}`);
  }
  throw new UsageError(`unknown backend "${name}" (valid: ${BACKEND_NAMES.join(", ")})`);
}

/**
 * The backends this version ships on an OS, in preference order: Apple's `container` first on
 * macOS (SPEC §5: the macOS default when available); it cannot run anywhere else, so other
 * hosts are not asked about it (`--backend macos-container` still names it).
 *
 * @param os The host OS, as in `Deno.build.os`.
 * @returns The shipped backends.
 */
export function shippedBackends(os: string = Deno.build.os): Backend[] {
  return os === "darwin" ? [macosContainer, docker] : [docker];
}
