/**
 * The backends (SPEC §5) and how one is chosen: `--backend`, else `BOT_BOTTLE_BACKEND`, else
 * the platform default. `docker`, `podman`, `smolmachines` and `macos-container` ship (docker
 * first where several can run; Apple's `container` first on macOS).
 *
 * @module
 * @example
 * ```ts
 * import { backendByName } from "./mod.ts";
 * console.assert(backendByName("docker").name === "docker");
 * ```
 */
import { NotYetAvailableError, UsageError } from "../core/errors/mod.ts";
import { backend as docker, dockerBackend, dockerSidecarHost } from "./docker/mod.ts";
import { backend as macosContainer } from "./macos_container/mod.ts";
import { PODMAN_DIALECT } from "./podman/mod.ts";
import { smolmachinesBackend } from "./smolmachines/mod.ts";
import type { Backend, BackendName } from "./types.ts";

export type * from "./types.ts";

/** Podman drives the docker backend's primitives with its own dialect. */
const podman: Backend = dockerBackend({ cli: "podman", dialect: PODMAN_DIALECT });

/** smolvm micro-VMs for the agent, their sidecars on docker. */
const smolmachines = smolmachinesBackend({ sidecars: dockerSidecarHost() });

/** Every backend name, in the order messages list them. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze([
  "docker",
  "macos-container",
  "smolmachines",
  "podman",
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
  if (name === "podman") return podman;
  if (name === "smolmachines") return smolmachines;
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
  return os === "darwin"
    ? [macosContainer, docker, podman, smolmachines]
    : [docker, podman, smolmachines];
}
