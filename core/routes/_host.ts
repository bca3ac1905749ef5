/**
 * Route hosts are exact DNS names. Wildcards are refused (they used to match subdomains and the
 * apex; now they would silently match nothing), and so are IP literals: the egress proxy routes
 * by the name the agent asked for, and an address-only route would dodge the anti-fronting and
 * private-address checks that are keyed on names.
 */
import { isIP } from "node:net";

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);

/**
 * Why `host` is not an acceptable route host.
 *
 * @param host The host as written in the file (any case).
 * @returns A message that follows the field's label, or `undefined` when the host is fine.
 */
export function hostProblem(host: string): string | undefined {
  const lower = host.toLowerCase();
  if (lower.includes("*")) {
    return `has a wildcard (${JSON.stringify(host)}); wildcards match nothing, list each host ` +
      "exactly";
  }
  if (lower.includes("://") || lower.includes("/")) {
    return `must be a bare host name, not a URL or path (${JSON.stringify(host)})`;
  }
  if (isIP(lower.replace(/^\[|\]$/g, "")) !== 0) {
    return `must be a DNS name, not an IP address (${JSON.stringify(host)}); ` +
      "routes match the host name the client asked for";
  }
  if (lower.includes(":")) return `must not include a port (${JSON.stringify(host)})`;
  if (lower.endsWith(".")) return `must not end with a dot (${JSON.stringify(host)})`;
  if (lower.length > 253 || !DNS_NAME.test(lower)) {
    return `must be a DNS name made of letters, digits, hyphens and dots (${JSON.stringify(host)})`;
  }
  if (/^[0-9]+$/.test(lower.slice(lower.lastIndexOf(".") + 1))) {
    return `must be a DNS name; a numeric last label reads as an IP address (${
      JSON.stringify(host)
    })`;
  }
  return undefined;
}
