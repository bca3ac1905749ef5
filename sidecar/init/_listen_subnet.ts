/**
 * Listening on one network only. In a bottle the sidecar sits on two networks: the internal one
 * it shares with the agent and the egress one that reaches upstreams (and the host). The proxy
 * injects real tokens, so it must answer on the internal network only; the backend knows that
 * network's subnet, not the address the engine will give the sidecar, so the daemon finds its
 * own address in the subnet.
 */
import { ConfigError } from "../../src/errors/mod.ts";

/** A network interface address as `Deno.networkInterfaces()` reports it. */
export interface InterfaceAddress {
  /** `IPv4` or `IPv6`. */
  family: string;
  /** The address. */
  address: string;
}

/**
 * Parse `BOT_BOTTLE_EGRESS_LISTEN_SUBNET` (an IPv4 CIDR).
 *
 * @param value The variable's value.
 * @returns The network and prefix length.
 * @throws {ConfigError} When it is not `A.B.C.D/N`.
 */
export function parseSubnet(value: string): { network: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (match === null || octets.some((o) => o > 255) || !(prefix >= 1 && prefix <= 32)) {
    throw new ConfigError(
      `BOT_BOTTLE_EGRESS_LISTEN_SUBNET "${value}" is not an IPv4 subnet (e.g. 172.20.0.0/16)`,
    );
  }
  return { network: toNumber(octets), prefix };
}

/**
 * The local IPv4 address inside a subnet.
 *
 * @param subnet The parsed subnet.
 * @param addresses The host's interface addresses.
 * @returns The address, or `undefined` when no interface is in the subnet.
 */
export function addressInSubnet(
  subnet: { network: number; prefix: number },
  addresses: readonly InterfaceAddress[],
): string | undefined {
  const mask = subnet.prefix === 32 ? 0xffffffff : ~(0xffffffff >>> subnet.prefix) >>> 0;
  return addresses.find((a) =>
    a.family === "IPv4" &&
    ((toNumber(a.address.split(".").map(Number)) & mask) >>> 0) ===
      ((subnet.network & mask) >>> 0)
  )?.address;
}

function toNumber(octets: readonly number[]): number {
  return octets.reduce((n, o) => (n * 256) + o, 0) >>> 0;
}
