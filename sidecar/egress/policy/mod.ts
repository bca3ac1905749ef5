/**
 * The egress proxy's pre-forward policy (SPEC §6.1 steps 1–7): introspection, anti-fronting,
 * exact-host route lookup, the git push/fetch block, the route's `matches` filter, the upstream
 * address check and credential strip/inject. The proxy builds one policy, calls `decide()` once
 * per request (inside CONNECT tunnels: once per request after TLS termination), then forwards to
 * `ctx.upstream`, writes the local `respond` answer, or writes `blockResponse()`.
 *
 * @module
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { blockResponse, createPolicy, type EgressRequest } from "./mod.ts";
 *
 * const policy = createPolicy({
 *   routes: () => [{ host: "api.github.com" }],
 *   matchRequest: () => ({ action: "allow" }),
 *   tokenFor: () => undefined,
 *   lookup: () => Promise.resolve([{ address: "140.82.112.6", family: 4 }]),
 *   hostAddresses: () => new Set(),
 * });
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
 * const { decision } = await policy.decide(req);
 * assert.equal(decision.action, "deny");
 * if (decision.action === "deny") {
 *   const res = blockResponse(decision, req);
 *   assert.equal(res.status, 403);
 *   assert.equal(JSON.parse(res.body).rule, "no_route");
 * }
 * ```
 */
export { createPolicy, type Policy, type PolicyOutcome } from "./create_policy.ts";
export { BLOCK_HEADER, blockResponse } from "./block_response.ts";
export { type AddressClass, classifyAddress } from "./classify_address.ts";
export type * from "./types.ts";
