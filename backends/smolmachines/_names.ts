/**
 * Names and addresses of a bottle on smolmachines (SPEC §5): the micro-VM is named after the
 * slug, labelled with it, and reaches its sidecar at a loopback address of its own.
 */
import type { BottleRef } from "../types.ts";

/** Every bottle machine's name starts with this; enumeration also checks the slug label. */
export const MACHINE_PREFIX = "bot-bottle-vm-";

/** The label every object of a bottle carries (the docker backend's, so cleanup agrees). */
export const SLUG_LABEL = "bot-bottle.slug";

/**
 * The machine of a bottle.
 *
 * @param slug A validated slug.
 * @returns `bot-bottle-vm-<slug>`.
 */
export function machineName(slug: string): string {
  return `${MACHINE_PREFIX}${slug}`;
}

/**
 * The `--label` flags of a bottle's machine (`smolvm machine create --label KEY=VALUE`,
 * repeatable; smolvm never interprets them and `machine ls --json` reads them back:
 * smol-machines/smolvm `src/cli/machine.rs`, `CreateCmd::labels`).
 *
 * @param bottle The bottle.
 * @returns The flags.
 */
export function machineLabels(bottle: BottleRef): string[] {
  return [
    `${SLUG_LABEL}=${bottle.slug}`,
    "bot-bottle.role=agent",
    `bot-bottle.agent=${bottle.agent}`,
    `bot-bottle.label=${bottle.label}`,
  ].flatMap((label) => ["--label", label]);
}

/**
 * The bottle's own loopback address, where its sidecar's ports are published and the only
 * address the machine's egress allowlist admits. Derived from the slug (no state): two
 * bottles that collide fail to publish the same port, so the second launch is refused. On
 * Linux all of 127.0.0.0/8 is loopback; macOS needs `ifconfig lo0 alias <address>`.
 *
 * @param slug A validated slug.
 * @returns An address in 127.77.0.0/16 (never .0, .1 or .255 in the last byte).
 */
export function loopbackAlias(slug: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(slug)) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return `127.77.${(hash >>> 8) & 0xff}.${2 + (hash & 0xff) % 253}`;
}
