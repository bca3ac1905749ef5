/** Validation of the names a leaf certificate may be issued for. */
import { isIPv4, isIPv6 } from "node:net";

/** A host in canonical form: lowercase DNS name, or normalised IP address literal. */
export interface ParsedHost {
  /** Which subjectAltName type the host needs. */
  readonly type: "dns" | "ip";
  /** The canonical spelling, used as subject, SAN and cache key. */
  readonly name: string;
}

/** One LDH label (RFC 1123): letters, digits and inner hyphens, at most 63 characters. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ALL_DIGITS = /^[0-9]+$/;

/**
 * Parse a host name or IP literal the way a TLS client would put it in SNI or a URL.
 *
 * IPv6 is written without brackets or zone id. A name whose last label is all digits (`1.2.3`,
 * `01.2.3.4`) is rejected: URL parsers read such names as IPv4 and would never match it.
 *
 * @param host The host as received (any case).
 * @returns The canonical host and its SAN type.
 * @throws {TypeError} When the host is neither a valid DNS name nor an IP literal.
 */
export function parseHost(host: string): ParsedHost {
  const name = host.toLowerCase();
  if (isIPv4(name)) return { type: "ip", name };
  if (name.includes(":")) {
    if (isIPv6(name) && !name.includes("%")) {
      // The WHATWG URL parser compresses IPv6 and rewrites an embedded IPv4 tail as hex groups.
      return { type: "ip", name: new URL(`http://[${name}]/`).hostname.slice(1, -1) };
    }
  } else if (name.length <= 253) {
    const labels = name.split(".");
    const last = labels[labels.length - 1] ?? "";
    if (labels.every((label) => LABEL.test(label)) && !ALL_DIGITS.test(last)) {
      return { type: "dns", name };
    }
  }
  throw new TypeError(
    `Cannot issue a certificate for ${
      JSON.stringify(host)
    }: not a DNS name or an IP address literal`,
  );
}
