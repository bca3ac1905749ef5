/**
 * Classifies an upstream IP address so the proxy never connects to this machine, a private
 * network or a cloud metadata service on the agent's behalf. IPv6 forms that carry an IPv4
 * address (mapped, compatible, SIIT, NAT64, 6to4, Teredo) are classified by the IPv4 address
 * they reach, and IPv6 outside global unicast (`2000::/3`) is never public.
 *
 * @module
 */
import { embeddedV4, parseIp } from "./_ip.ts";

/** Where an address leads; only `public` is reachable without `allow_private`. */
export type AddressClass =
  | "public"
  | "loopback"
  | "private"
  | "link_local"
  | "cgnat"
  | "unspecified"
  | "multicast"
  | "broadcast"
  | "reserved"
  | "metadata"
  | "invalid";

/** Cloud metadata and credential endpoints (canonical spelling); blocked even with allow_private. */
const METADATA: readonly string[] = Object.freeze([
  "169.254.169.254", // AWS, GCP, Azure, OCI, DigitalOcean, Hetzner … instance metadata
  "169.254.170.2", // AWS ECS task credentials
  "169.254.170.23", // AWS EKS pod identity agent
  "169.254.0.23", // Tencent Cloud metadata
  "100.100.100.200", // Alibaba Cloud metadata
  "192.0.0.192", // Oracle Cloud legacy metadata
  "168.63.129.16", // Azure WireServer (public-looking address)
  "fd00:ec2:0:0:0:0:0:254", // AWS IMDS over IPv6
  "fd00:ec2:0:0:0:0:0:23", // AWS EKS pod identity over IPv6
  "fd20:ce:0:0:0:0:0:254", // GCP metadata over IPv6
]);

type Range = readonly [base: number, bits: number, cls: AddressClass];

const V4_RANGES: readonly Range[] = Object.freeze(([
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "cgnat"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link_local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "reserved"], // IETF protocol assignments
  ["192.0.2.0", 24, "reserved"], // documentation
  ["192.88.99.0", 24, "reserved"], // 6to4 relay anycast
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "reserved"], // benchmarking
  ["198.51.100.0", 24, "reserved"], // documentation
  ["203.0.113.0", 24, "reserved"], // documentation
  ["224.0.0.0", 4, "multicast"],
  ["255.255.255.255", 32, "broadcast"],
  ["240.0.0.0", 4, "reserved"],
] as const).map(([base, bits, cls]): Range => [v4Number(base.split(".").map(Number)), bits, cls]));

type V6Range = readonly [prefix: readonly number[], bits: number, cls: AddressClass];

const V6_RANGES: readonly V6Range[] = Object.freeze(([
  ["ff00", 8, "multicast"],
  ["fe80", 10, "link_local"],
  ["fec0", 10, "private"], // deprecated site-local
  ["fc00", 7, "private"], // unique local
  ["100:0:0:0", 64, "reserved"], // discard
  ["2001:db8", 32, "reserved"], // documentation
  ["2001:2:0", 48, "reserved"], // benchmarking
  ["2001:10", 28, "reserved"], // ORCHID
  ["3fff", 20, "reserved"], // documentation
  ["5f00", 16, "reserved"], // SRv6 SIDs
] as const).map(([prefix, bits, cls]): V6Range => [
  prefix.split(":").map((g) => parseInt(g, 16)),
  bits,
  cls,
]));

/**
 * Classifies an IP address literal.
 *
 * @param address IPv4 or IPv6 literal (brackets and a zone id are accepted).
 * @returns The address class; `invalid` when the text is not an IP literal.
 */
export function classifyAddress(address: string): AddressClass {
  const ip = parseIp(address);
  if (ip === undefined) return "invalid";
  return ip.family === 4 ? classifyV4(ip.octets) : classifyV6(ip.hextets);
}

function classifyV4(octets: readonly number[]): AddressClass {
  if (METADATA.includes(octets.join("."))) return "metadata";
  const n = v4Number(octets);
  for (const [base, bits, cls] of V4_RANGES) {
    if (n >>> (32 - bits) === base >>> (32 - bits)) return cls;
  }
  return "public";
}

function classifyV6(h: readonly number[]): AddressClass {
  if (METADATA.includes(h.map((g) => g.toString(16)).join(":"))) return "metadata";
  const [h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0, h6 = 0, h7 = 0] = h;
  const v4 = embeddedV4(h6, h7);
  const zeroTo = (n: number) => h.slice(0, n).every((g) => g === 0);
  if (zeroTo(8)) return "unspecified";
  if (zeroTo(7) && h7 === 1) return "loopback";
  // Mapped (::ffff:a.b.c.d), SIIT (::ffff:0:a.b.c.d) and compatible (::a.b.c.d) forms.
  if (zeroTo(5) && h5 === 0xffff) return classifyV4(v4);
  if (zeroTo(4) && h4 === 0xffff && h5 === 0) return classifyV4(v4);
  if (zeroTo(6)) return classifyV4(v4);
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 0 && h3 === 0 && h4 === 0 && h5 === 0) {
    return classifyV4(v4); // well-known NAT64 prefix reaches the embedded address
  }
  if (h0 === 0x64 && h1 === 0xff9b && h2 === 1) return nonPublicOr(classifyV4(v4), "private");
  if (h0 === 0x2002) return nonPublicOr(classifyV4(embeddedV4(h1, h2)), "public");
  if (h0 === 0x2001 && h1 === 0) {
    return nonPublicOr(classifyV4(embeddedV4(h6 ^ 0xffff, h7 ^ 0xffff)), "public"); // Teredo
  }
  for (const [prefix, bits, cls] of V6_RANGES) {
    if (inV6Prefix(h, prefix, bits)) return cls;
  }
  return (h0 & 0xe000) === 0x2000 ? "public" : "reserved";
}

function nonPublicOr(embedded: AddressClass, otherwise: AddressClass): AddressClass {
  return embedded === "public" ? otherwise : embedded;
}

function inV6Prefix(h: readonly number[], p: readonly number[], bits: number): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const left = bits - i * 16;
    const mask = left >= 16 ? 0xffff : (0xffff << (16 - left)) & 0xffff;
    if (((h[i] ?? 0) & mask) !== ((p[i] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Number(octets: readonly number[]): number {
  return octets.reduce((n, octet) => n * 256 + octet, 0);
}
