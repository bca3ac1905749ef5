/** The outbound-body step (SPEC §6.1 step 8): the scanner a request body streams through. */
import { ALLOW, type Decision } from "./policy/mod.ts";
import { type ExchangeContext, type ExchangeEnv, outboundContext } from "./_exchange_context.ts";
import { OutboundBody } from "./_request_body.ts";

/**
 * The outbound-body step: arm the scanner the body will stream through (scanned as sent and as
 * the origin decodes it, whatever its declared type).
 *
 * @param ctx The request; its `body` is set.
 * @param env The environment.
 * @returns Always allow: the body's bytes decide as they arrive.
 */
export function outboundBody(ctx: ExchangeContext, env: ExchangeEnv): Decision {
  if (ctx.forward === undefined) throw new TypeError("outbound DLP ran before the forward head");
  ctx.body = new OutboundBody(outboundContext(ctx, env), ctx.forward.target);
  return ALLOW;
}
