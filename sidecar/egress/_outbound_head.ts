/** The outbound-head step (SPEC §6.1 step 8): DLP on the head exactly as it will be sent. */
import { ALLOW, type Decision } from "./policy/mod.ts";
import { type ExchangeContext, type ExchangeEnv, outboundContext } from "./_exchange_context.ts";
import { judgeSeam } from "./_outbound.ts";
import { screenHead } from "./_screen_head.ts";

/**
 * The outbound-head step: screen the method, target and headers about to be sent, and the
 * credentials stripped from the agent's request; a redaction rewrites the head to send. The
 * target is also checked against the end of what this host was sent last (a split secret).
 *
 * @param ctx The request; its `forward` head is set.
 * @param env The environment.
 * @returns Allow, or the deny for a finding the route does not let through.
 */
export async function outboundHead(ctx: ExchangeContext, env: ExchangeEnv): Promise<Decision> {
  if (ctx.forward === undefined) throw new TypeError("outbound DLP ran before the forward head");
  const outbound = outboundContext(ctx, env);
  const screened = await screenHead(outbound, {
    host: ctx.req.host,
    method: ctx.head.method,
    target: ctx.forward.target,
    headers: ctx.forward.headers,
    stripped: ctx.stripped ?? [],
  });
  if (screened.action === "deny") return screened;
  const target = screened.target;
  const split = await judgeSeam(outbound, [outbound.seam.targets], { head: target, tail: target });
  if (split !== undefined) return split;
  ctx.forward.target = screened.target;
  ctx.forward.headers = screened.headers;
  return ALLOW;
}
