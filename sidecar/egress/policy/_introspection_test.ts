import assert from "node:assert/strict";
import { parse } from "yaml";
import { introspection } from "./_introspection.ts";
import { request, testEnv } from "./_testing.ts";
import type { PolicyRoute, RespondDecision } from "./types.ts";

const SECRET = "ghp_realTokenValue1234567890abcdef";

const ROUTES: PolicyRoute[] = [
  {
    host: "api.github.com",
    auth: { scheme: "token", token_ref: "GITHUB_TOKEN" },
    matches: [{ paths: [{ type: "prefix", value: "/repos/" }], methods: ["GET"] }],
    git: { fetch: true },
    outbound_on_match: "block",
  },
  { host: "intranet.example", allow_private: true, dlp: { outbound_detectors: false } },
];

const env = testEnv({ routes: () => ROUTES, tokenFor: () => SECRET });

function introspect(path: string, overrides: { method?: string; query?: string } = {}) {
  return introspection({ req: request({ host: "_egress.local", path, ...overrides }) }, env);
}

Deno.test("introspection() lets requests to other hosts through", () => {
  assert.deepEqual(introspection({ req: request() }, env), { action: "allow" });
});

Deno.test("introspection() serves the live routes in routes-file form at GET /allowlist", () => {
  const decision = introspect("/allowlist") as RespondDecision;
  assert.equal(decision.action, "respond");
  assert.equal(decision.status, 200);
  assert.deepEqual(decision.headers[0], ["Content-Type", "application/json; charset=utf-8"]);
  assert.deepEqual(JSON.parse(decision.body), {
    routes: [
      {
        host: "api.github.com",
        auth: { scheme: "token", token_ref: "GITHUB_TOKEN" },
        matches: [{ paths: [{ type: "prefix", value: "/repos/" }], methods: ["GET"] }],
        outbound_on_match: "block",
        git: { fetch: true },
      },
      { host: "intranet.example", dlp: { outbound_detectors: false }, allow_private: true },
    ],
  });
});

Deno.test("introspection() serves YAML with ?format=yaml", () => {
  const decision = introspect("/allowlist", { query: "format=yaml" }) as RespondDecision;
  assert.equal(decision.status, 200);
  assert.match(decision.headers[0]?.[1] ?? "", /^application\/yaml/);
  assert.deepEqual(parse(decision.body).routes[0].auth, {
    scheme: "token",
    token_ref: "GITHUB_TOKEN",
  });
});

Deno.test("introspection() never includes token values or unknown route fields", () => {
  const leaky = [{
    ...ROUTES[0],
    host: "a.example",
    token: SECRET,
    auth: { scheme: "Bearer" as const, token_ref: "T", value: SECRET },
  }];
  const decisions = [
    introspection(
      { req: request({ host: "_egress.local", path: "/allowlist" }) },
      testEnv({
        routes: () => leaky,
        tokenFor: () => SECRET,
      }),
    ),
    introspect("/allowlist"),
    introspect("/allowlist", { query: "format=yaml" }),
  ];
  for (const decision of decisions) {
    assert.equal(decision.action, "respond");
    assert.ok(!JSON.stringify(decision).includes(SECRET));
  }
});

Deno.test("introspection() answers 404 for anything else on _egress.local", () => {
  for (const [method, path] of [["GET", "/"], ["POST", "/allowlist"], ["GET", "/allowlist/x"]]) {
    const decision = introspect(path ?? "", { method: method ?? "" }) as RespondDecision;
    assert.equal(decision.action, "respond");
    assert.equal(decision.status, 404);
    assert.deepEqual(JSON.parse(decision.body), {
      error: "not_found",
      reason: "_egress.local serves only GET /allowlist",
    });
  }
});
