/**
 * Step 6: the upstream address. The host is resolved once here and the proxy connects to exactly
 * the address checked (`ctx.upstream`), so a second DNS answer cannot rebind it to an internal
 * address. If any resolved address is not public the request is denied: a name that points into
 * a private network is suspect even if it also has a public address.
 *
 * Decisions: `allow_private: true` on the route lifts the check except for cloud metadata
 * addresses, which stay blocked; a `--connect-to` mapping lifts it entirely (the operator chose
 * that address). Only the standard port of the scheme is allowed (443 for https, 80 for http):
 * a route names a service, not every port of a host. IP-literal hosts are checked without DNS. IPv4 is preferred when a host has both
 * families, because bottle networks are IPv4-only.
 */
import { ALLOW, deny } from "./_decision.ts";
import { normalizeHost } from "./_authority.ts";
import { parseIp } from "./_ip.ts";
import { type AddressClass, classifyAddress } from "./classify_address.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext, ResolvedAddress } from "./types.ts";

const DESCRIBED: Readonly<Record<Exclude<AddressClass, "public">, string>> = Object.freeze({
  loopback: "a loopback address",
  private: "a private address",
  link_local: "a link-local address",
  cgnat: "a shared (CGNAT) address",
  unspecified: "an unspecified address",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved address",
  metadata: "a cloud metadata address",
  invalid: "an invalid address",
});

/**
 * Sets `ctx.upstream` to a checked address, or denies with `private_address` / `dns_error`: at
 * once when no resolver is asked or its answer is cached (almost every request), else once it
 * answers.
 */
export function upstreamAddress(
  ctx: PolicyContext,
  env: PolicyEnv,
): Decision | Promise<Decision> {
  const { req, route } = ctx;
  const host = normalizeHost(req.host);
  const literal = parseIp(host) !== undefined;
  const servername = literal ? "" : host;
  const mapped = env.connectTo.get(`${host}:${req.port}`);
  if (mapped !== undefined) {
    const use = ([chosen]: readonly ResolvedAddress[]): Decision => {
      if (chosen === undefined) throw new Error(`--connect-to address for ${host} did not resolve`);
      ctx.upstream = {
        address: chosen.address,
        family: family(chosen),
        port: mapped.port,
        servername,
      };
      return ALLOW;
    };
    if (parseIp(mapped.address) !== undefined) return use([{ address: mapped.address, family: 0 }]);
    return whenResolved(env.lookup(mapped.address), use);
  }
  const standard = req.scheme === "https" ? 443 : 80;
  if (req.port !== standard) {
    return deny(
      "port_not_allowed",
      `port ${req.port} is not allowed for ${req.scheme} to "${host}"; only ${standard} is`,
    );
  }
  const check = (addresses: readonly ResolvedAddress[]): Decision => {
    for (const { address } of addresses) {
      const refusal = refuse(address, route?.allow_private === true, env);
      if (refusal !== undefined) {
        const shown = literal ? `host ${host} is` : `host "${host}" resolves to ${address},`;
        return deny("private_address", `${shown} ${refusal}`);
      }
    }
    const chosen = addresses.find((a) => family(a) === 4) ?? addresses[0];
    if (chosen === undefined) {
      return deny("dns_error", `host "${host}" has no address`, { status: 502 });
    }
    ctx.upstream = { address: chosen.address, family: family(chosen), port: req.port, servername };
    return ALLOW;
  };
  if (literal) return check([{ address: host, family: 0 }]);
  let answer: readonly ResolvedAddress[] | Promise<readonly ResolvedAddress[]>;
  try {
    answer = env.lookup(host);
  } catch (error) {
    return dnsError(host, error);
  }
  return whenResolved(answer, check, (error) => dnsError(host, error));
}

/** `use` on a resolver's answer, at once when it came at once; a failure goes to `failed`. */
function whenResolved(
  answer: readonly ResolvedAddress[] | Promise<readonly ResolvedAddress[]>,
  use: (addresses: readonly ResolvedAddress[]) => Decision,
  failed?: (error: unknown) => Decision,
): Decision | Promise<Decision> {
  return answer instanceof Promise ? answer.then(use, failed) : use(answer);
}

function dnsError(host: string, error: unknown): Decision {
  return deny("dns_error", `cannot resolve host "${host}"${errorCode(error)}`, { status: 502 });
}

function refuse(address: string, allowPrivate: boolean, env: PolicyEnv): string | undefined {
  const cls = classifyAddress(address);
  if (cls === "metadata") return `${DESCRIBED.metadata}, which is never reachable`;
  if (cls === "invalid") return DESCRIBED.invalid;
  if (allowPrivate) return undefined;
  if (cls !== "public") return `${DESCRIBED[cls]} (the route would need allow_private: true)`;
  if (env.hostAddresses.has(address)) {
    return "an address of the sidecar's own host (the route would need allow_private: true)";
  }
  return undefined;
}

function family(address: ResolvedAddress): 4 | 6 {
  return parseIp(address.address)?.family ?? (address.family === 6 ? 6 : 4);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? ` (${code})` : "";
}
