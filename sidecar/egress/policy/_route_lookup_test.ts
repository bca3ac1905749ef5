import assert from "node:assert/strict";
import { routeLookup } from "./_route_lookup.ts";
import { request, testEnv } from "./_testing.ts";
import type { PolicyContext, PolicyRoute } from "./types.ts";

Deno.test("routeLookup() finds the route by exact, case-insensitive host", () => {
  const route = { host: "API.GitHub.com" };
  const ctx: PolicyContext = { req: request({ host: "api.github.com" }) };
  assert.deepEqual(routeLookup(ctx, testEnv({ routes: () => [route] })), { action: "allow" });
  assert.equal(ctx.route, route);
});

Deno.test("routeLookup() denies a host without a route, naming it and the supervise tool", () => {
  const env = testEnv({ routes: () => [{ host: "github.com" }, { host: "*.github.com" }] });
  for (const host of ["evil.example", "api.github.com", "github.com.evil.example"]) {
    const ctx: PolicyContext = { req: request({ host }) };
    assert.deepEqual(routeLookup(ctx, env), {
      action: "deny",
      rule: "no_route",
      reason: `no route for host "${host}"`,
      status: 403,
    });
    assert.equal(ctx.route, undefined);
  }
});

Deno.test("routeLookup() keeps the first of two routes for one host", () => {
  const first = { host: "a.example", git: { fetch: false } };
  const ctx: PolicyContext = { req: request({ host: "a.example" }) };
  routeLookup(ctx, testEnv({ routes: () => [first, { host: "A.example", git: { fetch: true } }] }));
  assert.equal(ctx.route, first);
});

Deno.test("routeLookup() reindexes only when routes() returns a new array", () => {
  const live = { current: [{ host: "a.example" }] as PolicyRoute[], calls: 0 };
  const env = testEnv({ routes: () => (live.calls++, live.current) });
  const lookup = (host: string) => routeLookup({ req: request({ host }) }, env).action;
  assert.equal(lookup("a.example"), "allow");
  live.current.push({ host: "b.example" }); // same array: not reindexed
  assert.equal(lookup("b.example"), "deny");
  live.current = [{ host: "b.example" }]; // reload: new array
  assert.equal(lookup("b.example"), "allow");
  assert.equal(lookup("a.example"), "deny");
  assert.equal(live.calls, 4);
});
