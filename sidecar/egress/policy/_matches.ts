/** Step 5: the route's `matches` filter, evaluated by the matcher the proxy injects. */
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext, PolicyRoute } from "./types.ts";

/** Returns the injected matcher's decision for the looked-up route. */
export function matches<R extends PolicyRoute>(ctx: PolicyContext<R>, env: PolicyEnv<R>): Decision {
  if (ctx.route === undefined) throw new TypeError("matches step ran before route lookup");
  return env.matchRequest(ctx.route, ctx.req);
}
