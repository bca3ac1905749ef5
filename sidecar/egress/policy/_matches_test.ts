import assert from "node:assert/strict";
import { matches } from "./_matches.ts";
import { request, testEnv } from "./_testing.ts";
import type { Decision, EgressRequest, PolicyRoute } from "./types.ts";

Deno.test("matches() returns the injected matcher's decision for the looked-up route", () => {
  const seen: [PolicyRoute, EgressRequest][] = [];
  const denied: Decision = {
    action: "deny",
    rule: "matches",
    reason: 'POST /x is not allowed on "a.example"',
    status: 403,
  };
  const env = testEnv({ matchRequest: (route, req) => (seen.push([route, req]), denied) });
  const route = { host: "a.example" };
  const req = request({ host: "a.example" });
  assert.deepEqual(matches({ req, route }, env), denied);
  assert.deepEqual(seen, [[route, req]]);
});

Deno.test("matches() throws when no route was looked up", () => {
  assert.throws(() => matches({ req: request() }, testEnv()), TypeError);
});
