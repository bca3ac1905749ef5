import assert from "node:assert/strict";
import { createPolicy } from "./create_policy.ts";
import { request, type RequestOverrides } from "./_testing.ts";
import type { Decision, PolicyOptions, PolicyRoute } from "./types.ts";

const SECRET = "ghp_liveSecretValue0123456789";

const ROUTES: PolicyRoute[] = [
  { host: "api.github.com", auth: { scheme: "Bearer", token_ref: "GH" } },
  { host: "github.com", git: { fetch: true } },
  { host: "gitlab.com" },
  { host: "lan.example", allow_private: true },
  { host: "notoken.example", auth: { scheme: "token", token_ref: "EMPTY" } },
  { host: "private-notoken.example", auth: { scheme: "token", token_ref: "EMPTY" } },
];

const DNS: Readonly<Record<string, string>> = {
  "api.github.com": "140.82.112.6",
  "github.com": "140.82.112.3",
  "gitlab.com": "127.0.0.1",
  "lan.example": "10.1.1.1",
  "notoken.example": "93.184.215.14",
  "private-notoken.example": "192.168.0.9",
  "evil.example": "93.184.215.15",
};

function options(overrides: Partial<PolicyOptions> = {}): PolicyOptions {
  return {
    routes: () => ROUTES,
    matchRequest: (_route, req): Decision =>
      req.method === "POST" && req.path.startsWith("/forbidden")
        ? { action: "deny", rule: "matches", reason: "POST /forbidden is not allowed", status: 403 }
        : { action: "allow" },
    tokenFor: (ref) => (ref === "GH" ? SECRET : undefined),
    lookup: (host) => Promise.resolve([{ address: DNS[host] ?? "203.0.114.1", family: 4 }]),
    hostAddresses: () => new Set(),
    ...overrides,
  };
}

function at(host: string, target: string, extra: RequestOverrides = {}): RequestOverrides {
  const [path = "", query = ""] = target.split("?");
  return { host, target, path, query, ...extra };
}

const PUSH = "/o/r.git/info/refs?service=git-receive-pack";
const FETCH = "/o/r.git/git-upload-pack";

// [label, request, expected action or deny rule, step that decided]
const ORDER: [string, RequestOverrides, string, string | undefined][] = [
  [
    "introspection is answered locally",
    at("_egress.local", "/allowlist"),
    "respond",
    "introspection",
  ],
  [
    "introspection comes before anti-fronting",
    at("_egress.local", "/allowlist", {
      connectAuthority: "evil.example:443",
      sni: "evil.example",
    }),
    "respond",
    "introspection",
  ],
  [
    "fronting comes before route lookup",
    at("evil.example", "/", { sni: "api.github.com" }),
    "fronting",
    "antiFronting",
  ],
  [
    "fronting on a routed host",
    at("api.github.com", "/", { headers: [["Host", "evil.example"]] }),
    "fronting",
    "antiFronting",
  ],
  ["a push to an unknown host is no_route", at("evil.example", PUSH), "no_route", "routeLookup"],
  ["a push is blocked even with git.fetch", at("github.com", PUSH), "git_push", "gitPush"],
  [
    "the push block comes before matches",
    at("api.github.com", "/forbidden/git-receive-pack", { method: "POST" }),
    "git_push",
    "gitPush",
  ],
  ["a fetch without git.fetch", at("gitlab.com", FETCH), "git_fetch", "gitPush"],
  ["a fetch with git.fetch", at("github.com", FETCH), "allow", undefined],
  [
    "matches comes before the address check",
    at("gitlab.com", "/forbidden", { method: "POST" }),
    "matches",
    "matches",
  ],
  ["a route resolving to loopback", at("gitlab.com", "/"), "private_address", "upstreamAddress"],
  ["allow_private reaches a private address", at("lan.example", "/"), "allow", undefined],
  [
    "the address check comes before the token check",
    at("private-notoken.example", "/"),
    "private_address",
    "upstreamAddress",
  ],
  ["a route without its token", at("notoken.example", "/"), "missing_token", "auth"],
  ["a routed request with its token", at("api.github.com", "/user"), "allow", undefined],
];

for (const [label, overrides, expected, step] of ORDER) {
  Deno.test(`decide() order: ${label} → ${expected}`, async () => {
    const outcome = await createPolicy(options()).decide(request(overrides));
    const { decision } = outcome;
    assert.equal(decision.action === "deny" ? decision.rule : decision.action, expected);
    assert.equal(outcome.step, step);
  });
}

Deno.test("decide() returns the route, the checked upstream and the injected token", async () => {
  const req = request({ headers: [["Host", "api.github.com"], ["Authorization", "Bearer fake"]] });
  const { decision, ctx } = await createPolicy(options()).decide(req);
  assert.deepEqual(decision, { action: "allow" });
  assert.equal(ctx.route, ROUTES[0]);
  assert.deepEqual(ctx.upstream, {
    address: "140.82.112.6",
    family: 4,
    port: 443,
    servername: "api.github.com",
  });
  assert.deepEqual(req.headers.getAll("authorization"), [`Bearer ${SECRET}`]);
});

Deno.test("decide() introspection never shows token values", async () => {
  const { decision } = await createPolicy(options()).decide(
    request(at("_egress.local", "/allowlist")),
  );
  assert.equal(decision.action, "respond");
  assert.ok(decision.action === "respond" && decision.body.includes('"token_ref": "GH"'));
  assert.ok(!JSON.stringify(decision).includes(SECRET));
});

const FAILURES: [string, Partial<PolicyOptions>, RequestOverrides, string][] = [
  [
    "the matcher throws",
    {
      matchRequest: () => {
        throw new Error(`boom ${SECRET}`);
      },
    },
    {},
    "matches",
  ],
  [
    "the matcher returns a non-decision",
    {
      matchRequest: () => ({ action: "maybe" }) as unknown as Decision,
    },
    {},
    "matches",
  ],
  [
    "the matcher denies with a bogus status",
    {
      matchRequest: () => ({ action: "deny", rule: "matches", reason: "x", status: 200 }),
    },
    {},
    "matches",
  ],
  [
    "routes() throws",
    {
      routes: () => {
        throw new Error("routes file unreadable");
      },
    },
    {},
    "routeLookup",
  ],
  [
    "tokenFor() throws",
    {
      tokenFor: () => {
        throw new Error("env unavailable");
      },
    },
    {},
    "auth",
  ],
  [
    "the interface addresses cannot be read",
    {
      hostAddresses: () => {
        throw new Error("permission denied");
      },
    },
    {},
    "upstreamAddress",
  ],
];

for (const [label, overrides, req, step] of FAILURES) {
  Deno.test(`decide() denies internal_error when ${label}`, async () => {
    const outcome = await createPolicy(options(overrides)).decide(request(req));
    assert.deepEqual(outcome.decision, {
      action: "deny",
      rule: "internal_error",
      reason: `egress policy step "${step}" failed; the request was not sent`,
      status: 403,
    });
    assert.equal(outcome.step, step);
    assert.ok(!JSON.stringify(outcome.decision).includes(SECRET));
  });
}

Deno.test("decide() hands a step's exception to the caller for the log", async () => {
  const error = new Error("boom");
  const outcome = await createPolicy(options({
    matchRequest: () => {
      throw error;
    },
  })).decide(request());
  assert.equal(outcome.error, error);
});
