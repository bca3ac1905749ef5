import assert from "node:assert/strict";
import { compileRoute, type RequestParts, type Route, routeMatches, RouteSchema } from "./mod.ts";

function route(matches: unknown): Route {
  return RouteSchema.parse({ host: "api.example", matches });
}

const GH = route([
  { paths: [{ value: "/repos/acme" }, { type: "exact", value: "/user" }], methods: ["GET"] },
  {
    paths: [{ type: "regex", value: "/orgs/[a-z]+/hooks" }],
    methods: ["post", "PATCH"],
    headers: [
      { name: "Content-Type", value: "application/json" },
      { name: "X-Req", value: "[0-9]{1,4}", type: "regex" },
    ],
  },
]);

const TRAILING = route([{ paths: [{ value: "/api/v1/" }] }]);
const HEADERS_ONLY = route([{ headers: [{ name: "accept", value: "text/plain" }] }]);

const JSON_HEADERS = { "content-type": "application/json", "x-req": "42" };

// [case, route, request, expected action]
const CASES: [string, Route, RequestParts, "allow" | "deny"][] = [
  ["no matches allows everything", RouteSchema.parse({ host: "a.example" }), {
    method: "DELETE",
    path: "/../x",
    headers: {},
  }, "allow"],
  ["a prefix matches itself", GH, { method: "GET", path: "/repos/acme", headers: {} }, "allow"],
  [
    "a prefix matches below it",
    GH,
    { method: "get", path: "/repos/acme/x/y", headers: {} },
    "allow",
  ],
  [
    "a prefix is segment-aware",
    GH,
    { method: "GET", path: "/repos/acme-secret", headers: {} },
    "deny",
  ],
  [
    "the query string is ignored",
    GH,
    { method: "GET", path: "/user?x=/repos/acme", headers: {} },
    "allow",
  ],
  ["a query cannot smuggle a prefix", GH, {
    method: "GET",
    path: "/other?/repos/acme",
    headers: {},
  }, "deny"],
  ["exact does not match below", GH, { method: "GET", path: "/user/keys", headers: {} }, "deny"],
  ["the method must be listed", GH, { method: "POST", path: "/user", headers: {} }, "deny"],
  ["all fields of an entry must match", GH, {
    method: "POST",
    path: "/orgs/acme/hooks",
    headers: JSON_HEADERS,
  }, "allow"],
  ["headers are case-insensitive by name", GH, {
    method: "PATCH",
    path: "/orgs/acme/hooks",
    headers: new Headers({ "Content-Type": "application/json", "X-REQ": "7" }),
  }, "allow"],
  ["every header rule must match", GH, {
    method: "POST",
    path: "/orgs/acme/hooks",
    headers: { "content-type": "application/json" },
  }, "deny"],
  ["header regex matches the whole value", GH, {
    method: "POST",
    path: "/orgs/acme/hooks",
    headers: { ...JSON_HEADERS, "x-req": "12345" },
  }, "deny"],
  ["exact header values are case-sensitive", GH, {
    method: "POST",
    path: "/orgs/acme/hooks",
    headers: { ...JSON_HEADERS, "content-type": "Application/JSON" },
  }, "deny"],
  ["path regex matches the whole path", GH, {
    method: "POST",
    path: "/orgs/acme/hooks/1",
    headers: JSON_HEADERS,
  }, "deny"],
  [
    "dot segments are refused",
    GH,
    { method: "GET", path: "/repos/acme/../admin", headers: {} },
    "deny",
  ],
  ["encoded dot segments are refused", GH, {
    method: "GET",
    path: "/repos/acme/%2E%2e/admin",
    headers: {},
  }, "deny"],
  [
    "encoded slashes are refused",
    GH,
    { method: "GET", path: "/repos/acme%2F..", headers: {} },
    "deny",
  ],
  ["a path without a leading slash is refused", GH, {
    method: "GET",
    path: "repos/acme",
    headers: {},
  }, "deny"],
  ["a trailing-slash prefix matches continuations", TRAILING, {
    method: "GET",
    path: "/api/v1/x",
    headers: {},
  }, "allow"],
  ["a trailing-slash prefix needs the slash", TRAILING, {
    method: "GET",
    path: "/api/v1",
    headers: {},
  }, "deny"],
  ["an entry without paths ignores the path", HEADERS_ONLY, {
    method: "GET",
    path: "/../anything",
    headers: { Accept: "text/plain" },
  }, "allow"],
  ["a missing header fails", HEADERS_ONLY, { method: "GET", path: "/", headers: {} }, "deny"],
  ["an undefined header value fails", HEADERS_ONLY, {
    method: "GET",
    path: "/",
    headers: { accept: undefined },
  }, "deny"],
];

for (const [name, r, request, action] of CASES) {
  Deno.test(`routeMatches(): ${name}`, () => {
    assert.equal(routeMatches(r, request).action, action);
  });
}

Deno.test("compileRoute() explains a denial with the method, path and route", () => {
  const decision = compileRoute(GH).match({ method: "put", path: "/user?token=x", headers: {} });
  assert.deepEqual(decision, {
    action: "deny",
    reason: 'PUT /user matches none of the 2 matches entries of route "api.example"',
  });
  const one = compileRoute(TRAILING).match({ method: "GET", path: "/x", headers: {} });
  assert.equal(
    one.action === "deny" && one.reason,
    'GET /x matches none of the 1 matches entry of route "api.example"',
  );
  const dots = compileRoute(GH).match({ method: "GET", path: "/a/./b", headers: {} });
  assert.match(dots.action === "deny" ? dots.reason : "", /dot segments.*"api\.example"/);
});

Deno.test("compileRoute() keeps the route and judges many requests", () => {
  const matcher = compileRoute(GH);
  assert.equal(matcher.route, GH);
  for (let i = 0; i < 3; i++) {
    assert.equal(matcher.match({ method: "GET", path: "/user", headers: {} }).action, "allow");
  }
});
