/** Names of everything the macos-container backend creates for a bottle, from its slug only. */

/** The label every object of a bottle carries; enumeration and cleanup need nothing else. */
export const SLUG_LABEL = "bot-bottle.slug";

/** The names of one bottle's objects. */
export interface BottleNames {
  /** The agent container. */
  agent: string;
  /** The sidecar container. */
  sidecar: string;
  /** The host-only network (agent and sidecar only, no route out). */
  internal: string;
  /** The per-bottle NAT network (sidecar only). */
  egress: string;
}

/**
 * Names for a slug (SPEC §5), the same as the docker backend's.
 *
 * @param slug A validated slug.
 * @returns Container and network names.
 */
export function bottleNames(slug: string): BottleNames {
  return {
    agent: `bot-bottle-${slug}`,
    sidecar: `bot-bottle-sidecars-${slug}`,
    internal: `bot-bottle-net-${slug}`,
    egress: `bot-bottle-egress-${slug}`,
  };
}
