import assert from "node:assert/strict";
import { BLOCK_HEADER, blockResponse } from "./block_response.ts";
import type { DenyDecision } from "./types.ts";

function block(rule: string, status = 403) {
  const decision: DenyDecision = { action: "deny", rule, reason: `reason for ${rule}`, status };
  const res = blockResponse(decision, { host: "evil.example" });
  return { ...res, json: JSON.parse(res.body) };
}

Deno.test("blockResponse() builds the SPEC 403 body and block header", () => {
  const res = block("no_route");
  assert.equal(res.status, 403);
  assert.deepEqual(res.headers, [
    ["Content-Type", "application/json; charset=utf-8"],
    ["Cache-Control", "no-store"],
    [BLOCK_HEADER, "no_route"],
  ]);
  assert.equal(BLOCK_HEADER, "X-Bot-Bottle-Block");
  assert.deepEqual(Object.keys(res.json), ["error", "rule", "host", "reason", "how_to_request"]);
  assert.equal(res.json.error, "egress_blocked");
  assert.equal(res.json.rule, "no_route");
  assert.equal(res.json.host, "evil.example");
  assert.equal(res.json.reason, "reason for no_route");
  assert.match(res.json.how_to_request, /"egress-allow"/);
  assert.match(res.json.how_to_request, /"list-egress-routes"/);
});

Deno.test("blockResponse() tailors how_to_request to the rule", () => {
  assert.match(block("git_push").json.how_to_request, /git gate/);
  assert.match(block("fronting").json.how_to_request, /same host/);
  assert.match(block("missing_token").json.how_to_request, /token/);
  assert.match(block("internal_error").json.how_to_request, /egress log/);
  assert.match(block("toString").json.how_to_request, /"egress-allow"/);
  assert.match(block("private_address").json.how_to_request, /"egress-allow"/);
});

Deno.test("blockResponse() never points at supervise tools a bottle does not have", () => {
  for (const rule of ["no_route", "private_address", "dns_error"]) {
    const decision: DenyDecision = { action: "deny", rule, reason: "r", status: 403 };
    const json = JSON.parse(blockResponse(decision, { host: "x" }, { supervise: false }).body);
    assert.doesNotMatch(json.how_to_request, /egress-allow|list-egress-routes|MCP/, rule);
    assert.match(json.how_to_request, /no supervise tools: ask the operator/, rule);
  }
  const gitPush: DenyDecision = { action: "deny", rule: "git_push", reason: "r", status: 403 };
  const json = JSON.parse(blockResponse(gitPush, { host: "x" }, { supervise: false }).body);
  assert.match(json.how_to_request, /git gate/);
});

Deno.test("blockResponse() marks non-403 denials as failures, not blocks", () => {
  const res = block("dns_error", 502);
  assert.equal(res.status, 502);
  assert.equal(res.json.error, "egress_failed");
});

Deno.test("blockResponse() keeps the block header value to token characters", () => {
  assert.deepEqual(block("bad rule\r\nX: y").headers[2], [BLOCK_HEADER, "bad_rule__X__y"]);
});
