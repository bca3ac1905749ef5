/** The outbound-head step (SPEC §6.1 step 8): DLP on the head exactly as it will be sent. */
import { ALLOW, type Decision } from "./policy/mod.ts";
import { type ExchangeContext, type ExchangeEnv, outboundContext } from "./_exchange_context.ts";
import { screenHead } from "./_outbound.ts";

/**
 * The outbound-head step: screen the target and headers about to be sent; a redaction rewrites
 * them in place.
 *
 * @param ctx The request; its `forward` head is set.
 * @param env The environment.
 * @returns Allow, or the deny for a finding the route does not let through.
 */
export async function outboundHead(ctx: ExchangeContext, env: ExchangeEnv): Promise<Decision> {
  if (ctx.forward === undefined) throw new TypeError("outbound DLP ran before the forward head");
  const screened = await screenHead(outboundContext(ctx, env), {
    host: ctx.req.host,
    target: ctx.forward.target,
    headers: ctx.forward.headers,
  });
  if (screened.action === "deny") return screened;
  ctx.forward.target = screened.target;
  return ALLOW;
}
