import assert from "node:assert/strict";
import { auth } from "./_auth.ts";
import { request, testEnv } from "./_testing.ts";
import type { PolicyRoute } from "./types.ts";

const AGENT_HEADERS: [string, string][] = [
  ["Host", "api.github.com"],
  ["Authorization", "Bearer placeholder"],
  ["authorization", "Basic second"],
  ["Proxy-Authorization", "Basic cHJveHk="],
  ["Accept", "*/*"],
];

function run(route: PolicyRoute, tokens: Record<string, string>) {
  const req = request({ headers: AGENT_HEADERS });
  const decision = auth({ req, route }, testEnv({ tokenFor: (ref) => tokens[ref] }));
  return { decision, headers: req.headers.entries() };
}

Deno.test("auth() strips the agent's credentials on a route without auth", () => {
  const { decision, headers } = run({ host: "api.github.com" }, { T: "secret" });
  assert.deepEqual(decision, { action: "allow" });
  assert.deepEqual(headers, [["Host", "api.github.com"], ["Accept", "*/*"]]);
});

Deno.test("auth() injects the route's token with its scheme", () => {
  for (const scheme of ["Bearer", "token"] as const) {
    const route = { host: "api.github.com", auth: { scheme, token_ref: "GH" } };
    const { decision, headers } = run(route, { GH: "ghp_real1234" });
    assert.deepEqual(decision, { action: "allow" });
    assert.deepEqual(headers, [
      ["Host", "api.github.com"],
      ["Accept", "*/*"],
      ["authorization", `${scheme} ghp_real1234`],
    ]);
  }
});

Deno.test("auth() keeps what it stripped for outbound DLP", () => {
  const req = request({ headers: AGENT_HEADERS });
  const ctx: Parameters<typeof auth>[0] = { req, route: { host: "api.github.com" } };
  auth(ctx, testEnv({ tokenFor: () => undefined }));
  assert.deepEqual(ctx.stripped, [
    ["authorization", "Bearer placeholder"],
    ["authorization", "Basic second"],
    ["proxy-authorization", "Basic cHJveHk="],
  ]);
});

Deno.test("auth() refuses to inject a token too short to be kept from echoing back", () => {
  const route: PolicyRoute = {
    host: "api.github.com",
    auth: { scheme: "Bearer", token_ref: "GH" },
  };
  const { decision, headers } = run(route, { GH: "ab-12_cd!!" });
  assert.equal(decision.action === "deny" && decision.rule, "missing_token");
  assert.match(JSON.stringify(decision), /fewer than 8 letters and digits/);
  assert.doesNotMatch(JSON.stringify(decision), /ab-12_cd/);
  assert.ok(!headers.some(([name]) => name.toLowerCase() === "authorization"));
});

Deno.test("auth() denies missing_token when the route's token slot is empty", () => {
  const route: PolicyRoute = {
    host: "api.github.com",
    auth: { scheme: "Bearer", token_ref: "GH" },
  };
  for (const tokens of [{}, { GH: "" }]) {
    const { decision, headers } = run(route, tokens);
    assert.deepEqual(decision, {
      action: "deny",
      rule: "missing_token",
      reason: 'route "api.github.com" injects token "GH" but the egress daemon has no value for it',
      status: 403,
    });
    assert.ok(!headers.some(([name]) => name.toLowerCase() === "authorization"));
  }
});

Deno.test("auth() denies a token that would break the header, without echoing it", () => {
  const route: PolicyRoute = {
    host: "api.github.com",
    auth: { scheme: "Bearer", token_ref: "GH" },
  };
  const { decision } = run(route, { GH: "ghp_x\r\nX-Evil: 1" });
  assert.deepEqual(decision, {
    action: "deny",
    rule: "missing_token",
    reason: 'token "GH" for route "api.github.com" is not a valid header value',
    status: 403,
  });
});

Deno.test("auth() with scheme x-api-key puts the token in x-api-key and drops the agent's own", () => {
  const req = request({ headers: [...AGENT_HEADERS, ["x-api-key", "placeholder-key"]] });
  const route = {
    host: "api.anthropic.com",
    auth: { scheme: "x-api-key", token_ref: "K" },
  } as const;
  const ctx: Parameters<typeof auth>[0] = { req, route };
  const decision = auth(ctx, testEnv({ tokenFor: () => "sk-ant-api03-real-key-123" }));
  assert.deepEqual(decision, { action: "allow" });
  assert.deepEqual(req.headers.entries(), [
    ["Host", "api.github.com"],
    ["Accept", "*/*"],
    ["x-api-key", "sk-ant-api03-real-key-123"],
  ]);
  assert.ok(
    ctx.stripped?.some(([name, value]) => name === "x-api-key" && value === "placeholder-key"),
  );
});

Deno.test("auth() leaves an x-api-key alone on a route that injects nothing", () => {
  const req = request({ headers: [["Host", "a.test"], ["x-api-key", "the-agent-s-own"]] });
  auth({ req, route: { host: "a.test" } }, testEnv({ tokenFor: () => undefined }));
  assert.deepEqual(req.headers.entries(), [["Host", "a.test"], ["x-api-key", "the-agent-s-own"]]);
});
