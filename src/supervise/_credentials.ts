/**
 * The rule that keeps credentials out of an agent's reach: a proposed routes file may add,
 * remove or narrow routes, but every route's `auth` must be exactly what the live file has for
 * that host. Otherwise an agent could attach the operator's token to a host it controls, or move
 * a `token_ref` slot from its intended host to another one. Likewise `allow_private` may only
 * stay as it is or be dropped: turning it on would open the host's own network.
 */
import { isDeepStrictEqual } from "node:util";
import type { RoutesFile } from "../../core/routes/mod.ts";

/**
 * Compare the credentials of a proposed routes file with the live one.
 *
 * @param live The live routes file.
 * @param proposed The proposed routes file.
 * @returns `undefined` when no credential changes, else what changes.
 */
export function credentialChange(live: RoutesFile, proposed: RoutesFile): string | undefined {
  const liveAuth = new Map(live.routes.map((route) => [route.host, route.auth]));
  const livePrivate = new Set(live.routes.filter((r) => r.allow_private).map((r) => r.host));
  for (const route of proposed.routes) {
    // Private and loopback upstreams are the host's own network: only the bottle file opens it.
    if (route.allow_private && !livePrivate.has(route.host)) {
      return `it sets allow_private on host "${route.host}", which would let it resolve to ` +
        "private or loopback addresses";
    }
    const before = liveAuth.get(route.host);
    if (isDeepStrictEqual(plain(before), plain(route.auth))) continue;
    if (before === undefined) {
      return `it adds credentials (auth token_ref ${
        route.auth?.token_ref ?? "?"
      }) to host "${route.host}", which has none`;
    }
    if (route.auth === undefined) {
      return `it removes the credentials of host "${route.host}"`;
    }
    return `it changes the credentials of host "${route.host}"`;
  }
  return undefined;
}

function plain(auth: RoutesFile["routes"][number]["auth"]): unknown {
  return auth === undefined ? undefined : { scheme: auth.scheme, token_ref: auth.token_ref };
}
