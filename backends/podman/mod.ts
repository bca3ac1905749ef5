/**
 * The podman backend's differences (SPEC §5): rootful Podman through its docker-compatible CLI.
 * The objects, names, labels and launch steps are the docker backend's, which the registry
 * (backends/mod.ts) runs with this folder's dialect: an internal network without DNS (netavark
 * then gives the host no address on it), runc with explicit ulimits for every container, podman's
 * listing templates, and podman's own `doctor` checks. The agent runs under runc; gVisor is
 * offered on docker.
 *
 * @module
 * @example
 * ```ts
 * import { PODMAN_DIALECT } from "./mod.ts";
 * console.assert(PODMAN_DIALECT.internalNetworkFlags.includes("--disable-dns"));
 * ```
 */
export { PODMAN_DIALECT, PODMAN_ULIMITS, readProbe } from "./_dialect.ts";
export { parsePodmanInfo, PODMAN_INSTALL_HINT, podmanChecks } from "./doctor.ts";
