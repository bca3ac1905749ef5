/** The outbound-body step (SPEC §6.1 step 8): the scanner a request body streams through. */
import { ALLOW, type Decision } from "./policy/mod.ts";
import { type ExchangeContext, type ExchangeEnv, outboundContext } from "./_exchange_context.ts";
import { OutboundBody } from "./_request_body.ts";

/**
 * The outbound-body step: arm the scanner the body will stream through (form bodies are also
 * scanned percent-decoded, as the origin reads them).
 *
 * @param ctx The request; its `body` is set.
 * @param env The environment.
 * @returns Always allow: the body's bytes decide as they arrive.
 */
export function outboundBody(ctx: ExchangeContext, env: ExchangeEnv): Decision {
  if (ctx.forward === undefined) throw new TypeError("outbound DLP ran before the forward head");
  const type = ctx.forward.headers.get("content-type");
  ctx.body = new OutboundBody(outboundContext(ctx, env), {
    host: ctx.req.host,
    formEncoded: /^application\/x-www-form-urlencoded\b/i.test(type ?? ""),
  });
  return ALLOW;
}
