/** Step 3: exact-host route lookup. No route for the host is a deny naming the host. */
import { ALLOW, deny } from "./_decision.ts";
import { normalizeHost } from "./_authority.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext, PolicyRoute } from "./types.ts";

/** Sets `ctx.route` to the route for the request host, or denies with rule `no_route`. */
export function routeLookup<R extends PolicyRoute>(
  ctx: PolicyContext<R>,
  env: PolicyEnv<R>,
): Decision {
  const host = normalizeHost(ctx.req.host);
  const route = env.index.get(host);
  if (route === undefined) {
    return deny(
      "no_route",
      `no route for host "${host}"`,
    );
  }
  ctx.route = route;
  return ALLOW;
}
