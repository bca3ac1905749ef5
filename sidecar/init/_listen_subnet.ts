/**
 * Listening on one network only. In a bottle the sidecar sits on two networks: the internal one
 * it shares with the agent and the egress one that reaches upstreams (and the host). The proxy
 * injects real tokens, so it must answer on the internal network only; the backend knows that
 * network's subnet, not the address the engine will give the sidecar, so the daemon finds its
 * own address in the subnet.
 */
import { ConfigError } from "../../core/errors/mod.ts";

/** A network interface address as `Deno.networkInterfaces()` reports it. */
export interface InterfaceAddress {
  /** `IPv4` or `IPv6`. */
  family: string;
  /** The address. */
  address: string;
}

/** Where a daemon listens: an address and port. */
export interface ListenAddress {
  /** Host name or IP (IPv6 without brackets). */
  hostname: string;
  /** Port. */
  port: number;
}

/**
 * Parse a daemon's `…_LISTEN` setting.
 *
 * @param variable The variable's name, for the message.
 * @param value Its value, `HOST:PORT` (IPv6 in brackets).
 * @param example An example value for the message.
 * @returns Host and port.
 * @throws {ConfigError} When it is not `HOST:PORT` with a port up to 65535.
 */
export function parseListen(variable: string, value: string, example: string): ListenAddress {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(value);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || port > 65_535) {
    throw new ConfigError(`${variable} "${value}" is not HOST:PORT (e.g. ${example})`);
  }
  return { hostname: match[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * Where to listen: the configured address, or this container's address in the subnet.
 *
 * @param listen The configured address (its port is kept).
 * @param subnet The subnet setting, when given.
 * @param variable The subnet variable's name, for the message.
 * @returns The address to bind.
 * @throws {ConfigError} When no interface is in the subnet (never falls back to all of them).
 */
export function listenAddress(
  listen: ListenAddress,
  subnet: { network: number; prefix: number } | undefined,
  variable: string,
): ListenAddress {
  if (subnet === undefined) return listen;
  const hostname = addressInSubnet(subnet, Deno.networkInterfaces());
  if (hostname === undefined) {
    throw new ConfigError(
      `${variable}: no interface of this container is in that subnet; refusing to listen ` +
        "anywhere else",
    );
  }
  return { hostname, port: listen.port };
}

/**
 * Parse a `…_LISTEN_SUBNET` setting (an IPv4 CIDR).
 *
 * @param value The variable's value.
 * @param variable The variable's name, for the message.
 * @returns The network and prefix length.
 * @throws {ConfigError} When it is not `A.B.C.D/N`.
 */
export function parseSubnet(
  value: string,
  variable = "BOT_BOTTLE_EGRESS_LISTEN_SUBNET",
): { network: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (match === null || octets.some((o) => o > 255) || !(prefix >= 1 && prefix <= 32)) {
    throw new ConfigError(
      `${variable} "${value}" is not an IPv4 subnet (e.g. 172.20.0.0/16)`,
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
