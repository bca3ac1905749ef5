/**
 * The value formats of the contract's settings, shared by every side that reads one: the sidecar
 * (from its environment), the host (from its own environment, before passing a value on) and
 * `egress serve` (from its flags). Each parser answers `undefined` for text it does not accept;
 * the caller names the variable or flag in its own error.
 */
import { isIP } from "node:net";

/** A host and port to listen on or connect to (IPv6 without brackets). */
export interface HostPort {
  /** Host name or IP address. */
  hostname: string;
  /** Port, 0 to 65535. */
  port: number;
}

/** An IPv4 subnet. */
export interface Subnet {
  /** The network address as a 32-bit number. */
  network: number;
  /** The prefix length, 1 to 32. */
  prefix: number;
}

/** A `--connect-to`-style mapping: requests for `key` go to `address:port` instead. */
export interface ConnectTo {
  /** Lowercase `host:port` the client asks for. */
  key: string;
  /** Where the proxy connects instead (IPv6 without brackets). */
  address: string;
  /** The port it connects to. */
  port: number;
}

/** The longest an operator wait or a git child may be given: a day. */
export const MAX_TIMEOUT_SECONDS = 86_400;

/**
 * Parse `HOST:PORT` (IPv6 in brackets).
 *
 * @param text The text.
 * @returns Host and port, or `undefined`.
 */
export function parseHostPort(text: string): HostPort | undefined {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || port > 65_535) return undefined;
  return { hostname: match[1]!.replace(/^\[|\]$/g, ""), port };
}

/**
 * Parse an IPv4 subnet in CIDR form.
 *
 * @param text `A.B.C.D/N`.
 * @returns The subnet, or `undefined`.
 */
export function parseSubnet(text: string): Subnet | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = Number(match?.[5]);
  if (match === null || octets.some((o) => o > 255) || !(prefix >= 1 && prefix <= 32)) {
    return undefined;
  }
  return { network: ipv4Number(octets), prefix };
}

/**
 * The first IPv4 address of a list that lies in a subnet.
 *
 * @param subnet The subnet.
 * @param addresses Interface addresses, as `Deno.networkInterfaces()` reports them.
 * @returns The address, or `undefined` when none is in the subnet.
 */
export function addressInSubnet(
  subnet: Subnet,
  addresses: readonly { family: string; address: string }[],
): string | undefined {
  const mask = subnet.prefix === 32 ? 0xffffffff : ~(0xffffffff >>> subnet.prefix) >>> 0;
  return addresses.find((a) =>
    a.family === "IPv4" &&
    ((ipv4Number(a.address.split(".").map(Number)) & mask) >>> 0) ===
      ((subnet.network & mask) >>> 0)
  )?.address;
}

/**
 * Parse `HOST:PORT=ADDR:PORT`, like curl's `--connect-to`.
 *
 * @param text The mapping.
 * @param options `names`: the target may be a host name too (the sidecar's setting takes IP
 *   addresses only, so nothing is resolved on the way).
 * @returns The mapping, or `undefined`.
 */
export function parseConnectTo(
  text: string,
  options: { names?: boolean } = {},
): ConnectTo | undefined {
  const [from, to, ...rest] = text.split("=");
  if (from === undefined || to === undefined || rest.length > 0) return undefined;
  const source = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(from);
  const target = parseHostPort(to);
  const port = Number(source?.[2]);
  if (source === null || target === undefined || !(port >= 1 && port <= 65_535)) return undefined;
  if (target.port === 0) return undefined;
  const isName = options.names === true && /^[A-Za-z0-9.-]+$/.test(target.hostname);
  if (isIP(target.hostname) === 0 && !isName) return undefined;
  return {
    key: `${source[1]!.toLowerCase()}:${port}`,
    address: target.hostname,
    port: target.port,
  };
}

/**
 * Parse a timeout in whole seconds, 1 to {@link MAX_TIMEOUT_SECONDS}.
 *
 * @param text The text.
 * @returns Seconds, or `undefined`.
 */
export function parseWholeSeconds(text: string): number | undefined {
  if (!/^[1-9]\d{0,4}$/.test(text) || Number(text) > MAX_TIMEOUT_SECONDS) return undefined;
  return Number(text);
}

function ipv4Number(octets: readonly number[]): number {
  return octets.reduce((n, o) => (n * 256) + o, 0) >>> 0;
}
