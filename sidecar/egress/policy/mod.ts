/**
 * The egress proxy's routing policy (SPEC §6.1 steps 1–7) and the composer every decision step
 * runs in: introspection, anti-fronting, exact-host route lookup, the git push/fetch block, the
 * route's `matches` filter, the upstream address check and credential strip/inject are steps
 * here; `sidecar/egress/_pipeline.ts` lists them, in order, with the framing and DLP steps that
 * follow. The proxy calls `decide()` once per request (inside CONNECT tunnels: once per request
 * after TLS termination), then forwards to `ctx.upstream`, writes the local `respond` answer, or
 * writes `blockResponse()`.
 *
 * @module
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   antiFronting,
 *   blockResponse,
 *   composePolicy,
 *   type EgressRequest,
 *   routeLookup,
 *   routingEnv,
 * } from "./mod.ts";
 *
 * const env = routingEnv({
 *   routes: () => [{ host: "api.github.com" }],
 *   matchRequest: () => ({ action: "allow" }),
 *   tokenFor: () => undefined,
 *   lookup: () => Promise.resolve([{ address: "140.82.112.6", family: 4 }]),
 *   hostAddresses: () => new Set(),
 * });
 * const policy = composePolicy([["antiFronting", antiFronting], ["routeLookup", routeLookup]], env);
 * const h = new Headers({ host: "evil.example" });
 * const req: EgressRequest = {
 *   scheme: "http",
 *   method: "GET",
 *   target: "http://evil.example/",
 *   host: "evil.example",
 *   port: 80,
 *   path: "/",
 *   query: "",
 *   headers: {
 *     get: (name) => h.get(name),
 *     getAll: (name) => h.has(name) ? [h.get(name) ?? ""] : [],
 *     set: (name, value) => h.set(name, value),
 *     delete: (name) => h.delete(name),
 *   },
 * };
 * const { decision } = await policy.decide({ req });
 * assert.equal(decision.action, "deny");
 * if (decision.action === "deny") {
 *   const res = blockResponse(decision, req);
 *   assert.equal(res.status, 403);
 *   assert.equal(JSON.parse(res.body).rule, "no_route");
 * }
 * ```
 */
export { composePolicy, type Policy, type PolicyOutcome, type Step } from "./compose_policy.ts";
export { type PolicyEnv, routingEnv } from "./_env.ts";
export { introspection } from "./_introspection.ts";
export { antiFronting } from "./_anti_fronting.ts";
export { routeLookup } from "./_route_lookup.ts";
export { gitPush } from "./_git_push.ts";
export { matches } from "./_matches.ts";
export { upstreamAddress } from "./_upstream_address.ts";
export { auth, isInjectedCredential } from "./_auth.ts";
export { ALLOW, deny } from "./_decision.ts";
export { BLOCK_HEADER, blockResponse } from "./block_response.ts";
export { type AddressClass, classifyAddress } from "./classify_address.ts";
export type * from "./types.ts";
