/**
 * Step 1: the introspection host. `GET http://_egress.local/allowlist` answers with the live routes
 * in the routes-file shape (`{routes: [...]}`, JSON, or YAML with `?format=yaml`) so the agent can
 * copy them into an `egress-allow` proposal. Fields are copied by name, so nothing but a
 * `token_ref` slot name can leave: token values are never read here.
 */
import { stringify } from "yaml";
import { ALLOW, respond, respondJson } from "./_decision.ts";
import { normalizeHost } from "./_authority.ts";
import type { PolicyEnv } from "./_env.ts";
import type { Decision, PolicyContext, PolicyRoute } from "./types.ts";

/** The host name the proxy answers itself. */
export const INTROSPECTION_HOST = "_egress.local";

/** Answers requests to {@link INTROSPECTION_HOST} locally; lets every other request through. */
export function introspection(ctx: PolicyContext, env: PolicyEnv): Decision {
  const { req } = ctx;
  if (normalizeHost(req.host) !== INTROSPECTION_HOST) return ALLOW;
  if (req.method !== "GET" || req.path !== "/allowlist") {
    return respondJson(404, {
      error: "not_found",
      reason: `${INTROSPECTION_HOST} serves only GET /allowlist`,
    });
  }
  const doc = { routes: env.routes().map(manifestRoute) };
  if (req.query.split("&").includes("format=yaml")) {
    return respond(200, stringify(doc), { contentType: "application/yaml; charset=utf-8" });
  }
  return respondJson(200, doc);
}

function manifestRoute(route: PolicyRoute): Record<string, unknown> {
  const out: Record<string, unknown> = { host: route.host };
  if (route.auth !== undefined) {
    out.auth = { scheme: route.auth.scheme, token_ref: route.auth.token_ref };
  }
  if (route.matches !== undefined) out.matches = route.matches;
  if (route.dlp !== undefined) out.dlp = route.dlp;
  if (route.outbound_on_match !== undefined) out.outbound_on_match = route.outbound_on_match;
  if (route.inbound_on_secret !== undefined) out.inbound_on_secret = route.inbound_on_secret;
  if (route.git?.fetch === true) out.git = { fetch: true };
  if (route.allow_private === true) out.allow_private = true;
  return out;
}
