import assert from "node:assert/strict";
import { Approvals } from "./_approvals.ts";
import { DlpEngine, type Finding } from "../../core/dlp/mod.ts";
import { type Route, RouteSchema } from "../../core/routes/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import type { Decision, EgressRequest } from "./policy/mod.ts";
import { createPipeline, type PipelineOptions } from "./_pipeline.ts";

const SECRET = "ghp_liveSecretValue0123456789";
const CANARY = "bot-bottle-canary-0f1e2d3c4b5a69788796a5b4";

const ROUTES: Route[] = [
  { host: "api.github.com", auth: { scheme: "Bearer", token_ref: "GH" } },
  { host: "github.com", git: { fetch: true } },
  { host: "gitlab.com" },
  { host: "lan.example", allow_private: true },
  { host: "notoken.example", auth: { scheme: "token", token_ref: "EMPTY" } },
  { host: "private-notoken.example", auth: { scheme: "token", token_ref: "EMPTY" } },
  { host: "plain.example", auth: { scheme: "Bearer", token_ref: "GH" } },
  { host: "redact.example", outbound_on_match: "redact" },
  { host: "blind.example", dlp: { outbound_detectors: false, inbound_detectors: false } },
  {
    host: "key.example",
    auth: { scheme: "x-api-key", token_ref: "GH" },
    outbound_on_match: "redact",
  },
].map((route) => RouteSchema.parse(route));

const DNS: Readonly<Record<string, string>> = {
  "api.github.com": "140.82.112.6",
  "github.com": "140.82.112.3",
  "gitlab.com": "127.0.0.1",
  "lan.example": "10.1.1.1",
  "notoken.example": "93.184.215.14",
  "private-notoken.example": "192.168.0.9",
  "evil.example": "93.184.215.15",
  "plain.example": "93.184.215.16",
  "redact.example": "93.184.215.17",
  "blind.example": "93.184.215.18",
  "key.example": "93.184.215.19",
};

/** A GitHub token that is not the route's own: outbound DLP finds it. */
const LEAKED = `ghp_${"a1B2c3D4e5".repeat(3)}abcdef`;

/** What a request the pipeline decides looks like (tunnelled HTTPS unless overridden). */
interface RequestOverrides {
  host?: string;
  target?: string;
  path?: string;
  query?: string;
  method?: string;
  scheme?: "http" | "https";
  port?: number;
  sni?: string;
  connectAuthority?: string;
  headers?: [string, string][];
}

function request(overrides: RequestOverrides = {}) {
  const host = overrides.host ?? "api.github.com";
  const headers = new HeaderList(overrides.headers ?? [["Host", host]]);
  const method = overrides.method ?? "GET";
  const target = overrides.target ?? "/user";
  const scheme = overrides.scheme ?? "https";
  const req: EgressRequest = {
    scheme,
    connectAuthority: overrides.connectAuthority ??
      (scheme === "https" ? `${host}:443` : undefined),
    sni: overrides.sni ?? (scheme === "https" ? host : undefined),
    method,
    target,
    host,
    port: overrides.port ?? (scheme === "https" ? 443 : 80),
    path: overrides.path ?? "/user",
    query: overrides.query ?? "",
    headers,
  };
  const head = {
    method,
    target,
    version: "HTTP/1.1" as const,
    headers,
    framing: { kind: "none" as const },
  };
  return { req, head };
}

function options(overrides: Partial<PipelineOptions> = {}): PipelineOptions {
  const engine = new DlpEngine({ knownSecrets: [SECRET], canary: CANARY });
  return {
    engine: () => engine,
    approvals: new Approvals(),
    approved: () => {},
    operator: undefined,
    warn: () => {},
    redacted: () => {},
    routes: () => ROUTES,
    matchRequest: (_route, req): Decision =>
      req.method === "POST" && req.path.startsWith("/forbidden")
        ? { action: "deny", rule: "matches", reason: "POST /forbidden is not allowed", status: 403 }
        : { action: "allow" },
    tokenFor: (ref: string) => (ref === "GH" ? SECRET : undefined),
    lookup: (host: string) => Promise.resolve([{ address: DNS[host] ?? "203.0.114.1", family: 4 }]),
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
  [
    "a token over plain http is refused by framing, after auth",
    at("plain.example", "/", { scheme: "http" }),
    "plaintext_auth",
    "framing",
  ],
  [
    "a compressed request body cannot be scanned",
    at("gitlab.com", "/", { headers: [["Host", "gitlab.com"], ["Content-Encoding", "gzip"]] }),
    "private_address",
    "upstreamAddress",
  ],
  [
    "framing comes before outbound DLP",
    at("lan.example", `/q?t=${LEAKED}`, {
      headers: [["Host", "lan.example"], ["Content-Encoding", "gzip"]],
    }),
    "unscannable_body",
    "framing",
  ],
  [
    "a secret in the URL is refused by outbound DLP",
    at("lan.example", `/q?t=${LEAKED}`),
    "dlp_outbound",
    "outboundHead",
  ],
  [
    "a secret in a header is refused by outbound DLP",
    at("lan.example", "/", { headers: [["Host", "lan.example"], ["X-Note", LEAKED]] }),
    "dlp_outbound",
    "outboundHead",
  ],
  [
    "a route without outbound detectors lets it through",
    at("blind.example", `/q?t=${LEAKED}`),
    "allow",
    undefined,
  ],
  [
    "the canary is refused even there",
    at("blind.example", `/q?c=${CANARY}`),
    "dlp_canary",
    "outboundHead",
  ],
];

for (const [label, overrides, expected, step] of ORDER) {
  Deno.test(`createPipeline().decide() order: ${label} → ${expected}`, async () => {
    const outcome = await createPipeline(options()).decide(request(overrides));
    const { decision } = outcome;
    assert.equal(decision.action === "deny" ? decision.rule : decision.action, expected);
    assert.equal(outcome.step, step);
  });
}

Deno.test("createPipeline().decide() fills in the route, upstream, head to send, body scanner and detectors", async () => {
  const input = request({
    headers: [
      ["Host", "api.github.com"],
      ["Authorization", "Bearer fake"],
      ["Connection", "keep-alive, X-Hop"],
      ["X-Hop", "dropped"],
      ["Accept-Encoding", "zstd, identity"],
    ],
  });
  const { decision, ctx } = await createPipeline(options()).decide(input);
  assert.deepEqual(decision, { action: "allow" });
  assert.equal(ctx.route, ROUTES[0]);
  assert.deepEqual(ctx.upstream, {
    address: "140.82.112.6",
    family: 4,
    port: 443,
    servername: "api.github.com",
  });
  assert.deepEqual(input.req.headers.getAll("authorization"), [`Bearer ${SECRET}`]);
  assert.deepEqual([...ctx.forward!.headers], [
    ["Host", "api.github.com"],
    ["Accept-Encoding", "gzip, deflate, br"],
    ["authorization", `Bearer ${SECRET}`],
  ]);
  assert.equal(ctx.forward!.target, "/user");
  assert.ok(ctx.body !== undefined);
  assert.deepEqual(ctx.inbound?.detectors, ["naive_injection_detection"]);
});

Deno.test("createPipeline().decide() scans one request with one engine, across a reload", async () => {
  let built = 0;
  const engine = () => {
    built++;
    return new DlpEngine({ knownSecrets: [SECRET], canary: CANARY });
  };
  const { decision, ctx } = await createPipeline(options({ engine })).decide(request());
  assert.deepEqual(decision, { action: "allow" });
  assert.equal(built, 1, "the live engine is asked for once per request");
  assert.equal(ctx.inbound?.engine, ctx.outbound?.engine);
  assert.equal(ctx.body?.held, 0);
});

Deno.test("createPipeline().decide() redacts a secret in the head it will send on a redact route", async () => {
  const warned: Finding[] = [];
  const input = request(at("redact.example", `/q?t=${LEAKED}`, {
    headers: [["Host", "redact.example"], ["X-Note", `v=${LEAKED}`]],
  }));
  const { decision, ctx } = await createPipeline(options({ warn: (_h, f) => warned.push(f) }))
    .decide(input);
  assert.deepEqual(decision, { action: "allow" });
  assert.equal(ctx.forward!.target, "/q?t=[REDACTED:github_pat]");
  assert.equal(ctx.forward!.headers.get("x-note"), "v=[REDACTED:github_pat]");
  assert.deepEqual(warned, []);
});

Deno.test("createPipeline().decide() sends an injected x-api-key unscanned, and scans the agent's own", async () => {
  const keyed = request(at("key.example", "/v1/messages", {
    headers: [["Host", "key.example"], ["x-api-key", "bot-bottle-placeholder-credential-0000"]],
  }));
  const sent = await createPipeline(options()).decide(keyed);
  assert.deepEqual(sent.decision, { action: "allow" });
  assert.deepEqual(sent.ctx.forward!.headers.getAll("x-api-key"), [SECRET], "ours, intact");
  // Where the route injects nothing, an x-api-key is the agent's, and scanned like any header.
  const own = request(at("redact.example", "/v1", {
    headers: [["Host", "redact.example"], ["x-api-key", LEAKED]],
  }));
  const screened = await createPipeline(options()).decide(own);
  assert.deepEqual(screened.decision, { action: "allow" });
  assert.deepEqual(screened.ctx.forward!.headers.getAll("x-api-key"), ["[REDACTED:github_pat]"]);
});

Deno.test("createPipeline().decide() introspection never shows token values", async () => {
  const { decision } = await createPipeline(options()).decide(
    request(at("_egress.local", "/allowlist")),
  );
  assert.equal(decision.action, "respond");
  assert.ok(decision.action === "respond" && decision.body.includes('"token_ref": "GH"'));
  assert.ok(!JSON.stringify(decision).includes(SECRET));
});

const FAILURES: [string, Partial<PipelineOptions>, RequestOverrides, string][] = [
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
    "the DLP engine cannot be built",
    {
      engine: () => {
        throw new Error("bad secret set");
      },
    },
    {},
    "outboundHead",
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
  Deno.test(`createPipeline().decide() denies internal_error when ${label}`, async () => {
    const outcome = await createPipeline(options(overrides)).decide(request(req));
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

Deno.test("createPipeline().decide() hands a step's exception to the caller for the log", async () => {
  const error = new Error("boom");
  const outcome = await createPipeline(options({
    matchRequest: () => {
      throw error;
    },
  })).decide(request());
  assert.equal(outcome.error, error);
});
