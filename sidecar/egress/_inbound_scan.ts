/**
 * The inbound-scan step: which detectors the response goes through, and what a known secret
 * echoed in it does (SPEC §6.1 step 9).
 */
import { defaultDetectors } from "../../core/dlp/mod.ts";
import { ALLOW, type Decision } from "./policy/mod.ts";
import { type ExchangeContext, type ExchangeEnv, outboundContext } from "./_exchange_context.ts";

/**
 * Choose the response's detectors: the route's list, none when it says `false`, else the
 * registry's defaults.
 *
 * @param ctx The request, its route known; its `inbound` is set.
 * @param env The environment (the engine).
 * @returns Always allow.
 */
export function inboundScan(ctx: ExchangeContext, env: ExchangeEnv): Decision {
  const configured = ctx.route?.dlp?.inbound_detectors;
  const outbound = outboundContext(ctx, env);
  ctx.inbound = {
    engine: outbound.engine,
    onWarn: outbound.onWarn,
    detectors: configured === false ? [] : configured ?? defaultDetectors("inbound"),
    onSecret: ctx.route?.inbound_on_secret ?? "redact",
  };
  return ALLOW;
}
