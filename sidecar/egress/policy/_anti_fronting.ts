/**
 * Step 2: anti-fronting. Every place the request names its host (CONNECT authority, TLS SNI, the
 * `Host` header, an absolute-form target) must agree with the host the proxy routes on, so a
 * client cannot be approved for one host while talking to another.
 *
 * Decisions: hosts compare case-insensitively, after dropping IPv6 brackets. Explicit ports must
 * all agree, the upstream port included (`Host: h` inside `CONNECT h:8443` is fine, `Host: h:80`
 * is not). A tunnel without SNI is not fronting: routing, the address check and the upstream
 * handshake all use the request host, which must still match CONNECT and `Host`; clients omit SNI
 * for IP literals, which then meet `no_route` or the address check with a clearer reason. More
 * than one `Host` header is a deny. Malformed values are refused without being echoed.
 */
import { ALLOW, deny } from "./_decision.ts";
import { normalizeHost, parseAuthority, targetAuthority } from "./_authority.ts";
import type { Decision, PolicyContext } from "./types.ts";

const HOST = /^[a-z0-9_.:-]+$/;

interface Named {
  label: string;
  host: string;
  port: number | undefined;
}

/** Denies with rule `fronting` when the named hosts (or explicit ports) disagree. */
export function antiFronting(ctx: PolicyContext): Decision {
  const { req } = ctx;
  const hostHeaders = req.headers.getAll("host");
  if (hostHeaders.length > 1) {
    return deny("fronting", `request has ${hostHeaders.length} Host headers; send exactly one`);
  }
  const named: Named[] = [];
  // Each place in order; a malformed one is refused before the later ones are read.
  const refused = add(named, "CONNECT authority", req.connectAuthority) ??
    add(named, "SNI", req.sni) ??
    add(named, "request target", targetAuthority(req.target)) ??
    add(named, "Host header", hostHeaders[0]);
  if (refused !== undefined) return refused;
  const host = normalizeHost(req.host);
  if (!HOST.test(host)) return deny("fronting", "request names no valid host");
  named.push({ label: "upstream", host, port: req.port });
  return disagreement(named) ?? ALLOW;
}

/** Add the host a place names (nothing when it names none), or deny a malformed one. */
function add(named: Named[], label: string, text: string | null | undefined): Decision | undefined {
  if (text === undefined || text === null || (text === "" && label === "SNI")) return undefined;
  const authority = parseAuthority(text);
  if (authority === undefined || (label === "SNI" && authority.port !== undefined)) {
    return deny("fronting", `${label} is not a valid host[:port]`);
  }
  named.push({ label, host: authority.host, port: authority.port });
  return undefined;
}

/** The first host mismatch against the first named host, then the first explicit-port one. */
function disagreement(named: readonly Named[]): Decision | undefined {
  const [first] = named;
  const mismatch = named.find((n) => n.host !== first?.host);
  if (first !== undefined && mismatch !== undefined) {
    return deny(
      "fronting",
      `${mismatch.label} "${mismatch.host}" does not match ${first.label} "${first.host}"`,
    );
  }
  const withPort = named.filter((n) => n.port !== undefined);
  const [portRef] = withPort;
  const portMismatch = withPort.find((n) => n.port !== portRef?.port);
  if (portRef !== undefined && portMismatch !== undefined) {
    return deny(
      "fronting",
      `${portMismatch.label} port ${portMismatch.port} does not match ${portRef.label} port ${portRef.port}`,
    );
  }
  return undefined;
}
