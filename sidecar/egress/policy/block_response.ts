/**
 * The body the agent gets when egress refuses a request (SPEC §6.1), built as data so the proxy
 * writes it on its own sockets, plain or inside a tunnel.
 *
 * @module
 */
import type { DenyDecision, EgressRequest, PolicyResponse } from "./types.ts";

/** Header naming the rule that blocked the request. */
export const BLOCK_HEADER = "X-Bot-Bottle-Block";

const ASK_OVER_MCP = 'Ask the operator for access with the supervise MCP tool "egress-allow" ' +
  '(the full proposed routes YAML and a justification); "list-egress-routes" shows the live routes';

const ASK_BY_HAND = "This bottle has no supervise tools: ask the operator to add or change the " +
  "route in the bottle's manifest; http://_egress.local/allowlist shows the live routes";

/** Advice that does not depend on whether the agent can ask over MCP. */
const HOW_TO_REQUEST: Readonly<Record<string, string>> = Object.freeze({
  git_push: "Push through the bottle's git gate (the remote is already rewritten to it); " +
    "git push never goes through egress",
  fronting: "Send the CONNECT authority, TLS SNI and Host header for the same host",
  missing_token: "Ask the operator to provide the route's token to the egress daemon",
  internal_error: "Retry; if it persists, ask the operator to check the egress log",
});

/**
 * Builds the 403 (or other error) response for a deny decision.
 *
 * @param decision The deny decision from `decide()`.
 * @param req The request; only its host is used.
 * @param options Whether the agent has the supervise MCP tools to ask with (default: yes).
 * @returns Status, headers and JSON body
 *   `{"error":"egress_blocked","rule","host","reason","how_to_request"}`.
 */
export function blockResponse(
  decision: DenyDecision,
  req: Pick<EgressRequest, "host">,
  options: { supervise?: boolean } = {},
): PolicyResponse {
  const ask = options.supervise === false ? ASK_BY_HAND : ASK_OVER_MCP;
  const body = {
    // A non-403 (an unresolvable host) is a failure to reach the host, not a policy block.
    error: decision.status === 403 ? "egress_blocked" : "egress_failed",
    rule: decision.rule,
    host: req.host,
    reason: decision.reason,
    how_to_request: decision.rule === "dns_error"
      ? `Check the host name; ${ask}`
      : Object.hasOwn(HOW_TO_REQUEST, decision.rule)
      ? HOW_TO_REQUEST[decision.rule]
      : ask,
  };
  return {
    status: decision.status,
    headers: [
      ["Content-Type", "application/json; charset=utf-8"],
      ["Cache-Control", "no-store"],
      [BLOCK_HEADER, decision.rule.replace(/[^A-Za-z0-9_.-]/g, "_")],
    ],
    body: `${JSON.stringify(body)}\n`,
  };
}
