/**
 * Where a smolmachines bottle's sidecar runs: the docker backend's own primitives (the same
 * images, networks, sidecar container, teardown and cleanup by label), plus the two things only
 * this backend asks of docker: a network's subnet and a `docker save` archive of the agent
 * image, which smolvm boots (`--image <archive>.tar`).
 */
import { dockerBackend, dockerSidecarTools } from "../docker/mod.ts";
import type { Backend } from "../types.ts";

/** The engine a smolmachines bottle's sidecar runs on. */
export interface SidecarHost extends
  Pick<
    Backend,
    | "isAvailable"
    | "checks"
    | "ensureImage"
    | "createNetworks"
    | "startSidecar"
    | "outsideAddresses"
    | "sidecarStatus"
    | "remove"
    | "stop"
    | "enumerateActive"
    | "cleanupPlan"
    | "cleanup"
    | "reloadEgress"
    | "prepare"
  > {
  /** The subnet of one of its networks. */
  subnet(network: string): Promise<string>;
  /** Write an image it built to an image archive at `file`. */
  save(tag: string, file: string): Promise<void>;
}

/**
 * The docker engine as a sidecar host.
 *
 * @param program The docker-compatible CLI (default `docker`).
 * @returns The host.
 */
export function dockerSidecarHost(program = "docker"): SidecarHost {
  const tools = dockerSidecarTools(program);
  return { ...dockerBackend({ cli: program }), subnet: tools.subnet, save: tools.save };
}
