/**
 * The egress decision pipeline, top to bottom (SPEC §6.1). Every request runs these steps in
 * this order; the first answer that is not "allow" decides, and a step that fails is a deny.
 * Once every step allowed, `_exchange.ts` moves the bytes: the head the steps built, the body
 * through the scanner they armed, the response through the detectors they chose.
 */
import type { Route } from "../../core/routes/mod.ts";
import {
  antiFronting,
  auth,
  composePolicy,
  gitPush,
  introspection,
  matches,
  type Policy,
  type PolicyOptions,
  routeLookup,
  routingEnv,
  upstreamAddress,
} from "./policy/mod.ts";
import type { ExchangeContext, ExchangeEnv, GuardOptions } from "./_exchange_context.ts";
import { forwardHead } from "./_forward_head.ts";
import { inboundScan } from "./_inbound_scan.ts";
import { CleanHeads } from "./_clean_heads.ts";
import { HostSeams } from "./_host_seams.ts";
import { outboundBody } from "./_outbound_body.ts";
import { outboundHead } from "./_outbound_head.ts";
import { framing } from "./_request_rules.ts";

/** What the pipeline is built from: routing, and the DLP steps' collaborators. */
export interface PipelineOptions extends PolicyOptions<Route>, GuardOptions {}

/**
 * Build the pipeline.
 *
 * @param options Routes, matcher, tokens, resolver, DLP engine and operator.
 * @returns The pipeline; `decide()` never rejects.
 */
export function createPipeline(options: PipelineOptions): Policy<ExchangeContext> {
  const { engine, approvals, operator, warn, redacted, approved } = options;
  const env: ExchangeEnv = {
    ...routingEnv(options),
    engine,
    approvals,
    operator,
    warn,
    redacted,
    approved,
    seams: new HostSeams(),
    cleanHeads: new CleanHeads(),
  };
  return composePolicy<ExchangeContext, ExchangeEnv>([
    // 1. `_egress.local` answers locally: the live routes, never a token.
    ["introspection", introspection],
    // 2. CONNECT authority, SNI and Host name one host.
    ["antiFronting", antiFronting],
    // 3–4. An exact-host route, then no push ever and fetch only with git.fetch.
    ["routeLookup", routeLookup],
    ["gitPush", gitPush],
    // 5. The route's matches filter.
    ["matches", matches],
    // 6. The address connected to is the one checked, and not private unless allowed.
    ["upstreamAddress", upstreamAddress],
    // 7. The agent's credentials stripped, the route's token injected.
    ["auth", auth],
    // Framing that would slip past the scanners: plain-http credentials, compressed bodies,
    // upgrades the scanners cannot follow.
    ["framing", framing],
    // 8. Outbound DLP on the head exactly as it will be sent, then on the body as it streams.
    ["forwardHead", forwardHead],
    ["outboundHead", outboundHead],
    ["outboundBody", outboundBody],
    // 9. The response's detectors.
    ["inboundScan", inboundScan],
  ], env);
}
