/**
 * Names and labels of a bottle's engine objects (SPEC §5), derived from its slug only, the same
 * on every engine, so enumeration and cleanup need no state.
 */

/** The label every object of a bottle carries; enumeration and cleanup need nothing else. */
export const SLUG_LABEL = "bot-bottle.slug";

/** The names of one bottle's objects. */
export interface BottleNames {
  /** The agent container. */
  agent: string;
  /** The sidecar container. */
  sidecar: string;
  /** The internal network (agent and sidecar only, no route out). */
  internal: string;
  /** The per-bottle egress network (sidecar only). */
  egress: string;
}

/**
 * Names for a slug.
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

/**
 * `--label` arguments naming an object's bottle and its role in it.
 *
 * @param bottle The bottle's slug, label and agent.
 * @param role `agent`, `sidecar`, `internal` or `egress`.
 * @returns The arguments.
 */
export function labelArgs(
  bottle: { slug: string; label: string; agent: string },
  role: string,
): string[] {
  return [
    "--label",
    `${SLUG_LABEL}=${bottle.slug}`,
    "--label",
    `bot-bottle.role=${role}`,
    "--label",
    `bot-bottle.agent=${bottle.agent}`,
    "--label",
    `bot-bottle.label=${bottle.label}`,
  ];
}

/**
 * The agent's resolver flags: it asks the sidecar, where nothing answers DNS (no lookups out),
 * and fails a lookup after one short try instead of stalling every program.
 *
 * @param sidecarIp The sidecar's address on the agent's network.
 * @returns The `--dns` and `--dns-option` arguments.
 */
export function agentDnsArgs(sidecarIp: string): string[] {
  return ["--dns", sidecarIp, "--dns-option", "timeout:1", "--dns-option", "attempts:1"];
}
