/**
 * The internal network's subnet, chosen by us so that the sidecar's address is known before it
 * starts (docker accepts `--ip` only on a network whose subnet was given). The subnets are /24s
 * of the link-local 169.254.0.0/16: no upstream the sidecar proxies to lives there, and the
 * network is `--internal` with no host address, so neither the host nor the sidecar loses a
 * route it had. RFC 3927 reserves the first and last /24, and 169.254.169.0/24 holds the clouds'
 * metadata and DNS addresses, which the sidecar must keep reaching through its egress network.
 */
import type { PinnedSubnet } from "./_argv.ts";

/** Third octets never used. */
const RESERVED = new Set([0, 169, 255]);

/**
 * A random candidate; the engine refuses one another network already holds, and the caller then
 * tries another.
 *
 * @param random Fills an array with random values (tests pass their own).
 * @returns The subnet, its gateway, the engine's range (`.128/25`) and the sidecar's address (`.2`).
 */
export function pinnedSubnetCandidate(
  random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes),
): PinnedSubnet {
  let octet = 0;
  while (RESERVED.has(octet)) octet = random(new Uint8Array(1))[0]!;
  return pinnedSubnetAt(octet);
}

/**
 * The pinned subnet `169.254.<octet>.0/24`.
 *
 * @param octet The third octet.
 * @returns The subnet, its gateway, the engine's range (`.128/25`) and the sidecar's address (`.2`).
 */
export function pinnedSubnetAt(octet: number): PinnedSubnet {
  const prefix = `169.254.${octet}`;
  return {
    subnet: `${prefix}.0/24`,
    gateway: `${prefix}.1`,
    ipRange: `${prefix}.128/25`,
    sidecarIp: `${prefix}.2`,
  };
}

/**
 * Whether `network create` failed because another network holds the subnet.
 *
 * @param stderr What the engine said.
 * @returns True for docker's "Pool overlaps with other one on this address space", and for its
 *   "failed to allocate gateway (…): Address already in use" when a network holds the very same
 *   subnet.
 */
export function subnetTaken(stderr: string): boolean {
  return /\bPool overlaps with other one\b|\bfailed to allocate gateway\b.*\bAddress already in use\b/
    .test(stderr);
}
