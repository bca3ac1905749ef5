import assert from "node:assert/strict";
import { ManifestError } from "../errors/mod.ts";
import { hostProblem, parseRoutesFile, RouteSchema, RoutesFileSchema } from "./mod.ts";

/** Wrap route fields (YAML lines at route indentation) into a routes file. */
function routesFile(fields: string): string {
  return `routes:\n  - ${fields.split("\n").join("\n    ")}\n`;
}

function rejection(fields: string): ManifestError {
  try {
    parseRoutesFile(routesFile(fields), "/r.yaml");
  } catch (err) {
    assert.ok(err instanceof ManifestError, String(err));
    return err;
  }
  assert.fail(`expected rejection of:\n${fields}`);
}

// [case, route fields, line, column, message after "Cannot load routes file: "]
const INVALID: [string, string, number, number, string][] = [
  [
    "an IP literal host",
    "host: 10.0.0.1",
    2,
    11,
    'routes[0].host must be a DNS name, not an IP address ("10.0.0.1"); routes match the host ' +
    "name the client asked for",
  ],
  [
    "an IPv6 host",
    "host: '[::1]'",
    2,
    11,
    'routes[0].host must be a DNS name, not an IP address ("[::1]"); routes match the host name the client asked for',
  ],
  [
    "a host with a port",
    "host: a.example:443",
    2,
    11,
    'routes[0].host must not include a port ("a.example:443")',
  ],
  [
    "a URL as host",
    "host: https://a.example",
    2,
    11,
    'routes[0].host must be a bare host name, not a URL or path ("https://a.example")',
  ],
  [
    "a trailing dot",
    "host: a.example.",
    2,
    11,
    'routes[0].host must not end with a dot ("a.example.")',
  ],
  [
    "an underscore",
    "host: a_b.example",
    2,
    11,
    'routes[0].host must be a DNS name made of letters, digits, hyphens and dots ("a_b.example")',
  ],
  [
    "a numeric last label",
    "host: a.123",
    2,
    11,
    'routes[0].host must be a DNS name; a numeric last label reads as an IP address ("a.123")',
  ],
  [
    "a middle wildcard",
    "host: api.*.com",
    2,
    11,
    'routes[0].host has a wildcard ("api.*.com"); wildcards match nothing, list each host exactly',
  ],
  ["an empty host", "host: ''", 2, 11, "routes[0].host must not be empty"],
  [
    "a number as host",
    "host: 42",
    2,
    11,
    'routes[0].host must be a string, got the number 42 (quote it if you mean the text: "42")',
  ],
  [
    "an unknown auth scheme",
    "host: a.example\nauth: {scheme: Basic, token_ref: T}",
    3,
    20,
    'routes[0].auth.scheme must be one of Bearer, token, x-api-key, got "Basic"',
  ],
  [
    "a lower-case token_ref",
    "host: a.example\nauth: {scheme: token, token_ref: gh_token}",
    3,
    38,
    "routes[0].auth.token_ref must name an environment variable: upper-case letters, digits and _ (e.g. GH_TOKEN)",
  ],
  [
    "auth without token_ref",
    "host: a.example\nauth: {scheme: token}",
    3,
    11,
    'missing required key "token_ref" in routes[0].auth',
  ],
  [
    "an empty matches list",
    "host: a.example\nmatches: []",
    3,
    14,
    "routes[0].matches must not be empty; omit matches to allow every request to this host",
  ],
  [
    "an empty matches entry",
    "host: a.example\nmatches: [{}]",
    3,
    15,
    "routes[0].matches[0] must name at least one of paths, methods, headers",
  ],
  [
    "an empty paths list",
    "host: a.example\nmatches: [{paths: []}]",
    3,
    23,
    "routes[0].matches[0].paths must not be empty",
  ],
  [
    "a relative prefix",
    "host: a.example\nmatches: [{paths: [{value: api/}]}]",
    3,
    32,
    'routes[0].matches[0].paths[0].value must start with / (got "api/")',
  ],
  [
    "a query in an exact path",
    "host: a.example\nmatches: [{paths: [{type: exact, value: /a?b=1}]}]",
    3,
    45,
    "routes[0].matches[0].paths[0].value must not contain ? or #: paths are matched without the query string",
  ],
  [
    "an unknown path type",
    "host: a.example\nmatches: [{paths: [{type: glob, value: /a}]}]",
    3,
    31,
    'routes[0].matches[0].paths[0].type must be one of prefix, exact, regex, got "glob"',
  ],
  [
    "a regex that does not compile",
    "host: a.example\nmatches: [{paths: [{type: regex, value: '/a('}]}]",
    3,
    45,
    "routes[0].matches[0].paths[0].value is not a valid regular expression: Invalid regular expression: //a(/: Unterminated group",
  ],
  [
    "a nested-quantifier regex",
    "host: a.example\nmatches: [{paths: [{type: regex, value: '/(a+)+'}]}]",
    3,
    45,
    "routes[0].matches[0].paths[0].value is prone to catastrophic backtracking: the repeated group (a+)+ contains another repeat (nested quantifiers); repeat the inner part only once",
  ],
  [
    "an overlapping-alternation header regex",
    "host: a.example\nmatches: [{headers: [{name: X, value: '(a|ab)*', type: regex}]}]",
    3,
    43,
    "routes[0].matches[0].headers[0].value is prone to catastrophic backtracking: the repeated group (a|ab)* has alternatives that can start with the same character; make them distinct",
  ],
  [
    "an unknown method",
    "host: a.example\nmatches: [{methods: [FETCH]}]",
    3,
    26,
    'routes[0].matches[0].methods[0] must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT, got "FETCH" (did you mean "PATCH"?)',
  ],
  [
    "a bad header name",
    "host: a.example\nmatches: [{headers: [{name: 'X Y', value: v}]}]",
    3,
    33,
    "routes[0].matches[0].headers[0].name must be an HTTP header name",
  ],
  [
    "true as a detector list",
    "host: a.example\ndlp: {outbound_detectors: true}",
    3,
    31,
    "routes[0].dlp.outbound_detectors must be false or a list of outbound detectors: token_patterns, known_secrets, entropy, url_entropy, checksummed",
  ],
  [
    "an empty detector list",
    "host: a.example\ndlp: {inbound_detectors: []}",
    3,
    30,
    "routes[0].dlp.inbound_detectors must not be empty; write false to turn scanning off",
  ],
  [
    "an unknown detector",
    "host: a.example\ndlp: {outbound_detectors: [entropee]}",
    3,
    32,
    'routes[0].dlp.outbound_detectors[0] must be one of token_patterns, known_secrets, entropy, url_entropy, checksummed, got "entropee" (did you mean "entropy"?)',
  ],
  [
    "an inbound detector used outbound",
    "host: a.example\ndlp: {outbound_detectors: [naive_injection_detection]}",
    3,
    32,
    'routes[0].dlp.outbound_detectors[0] must be one of token_patterns, known_secrets, entropy, url_entropy, checksummed, got "naive_injection_detection"',
  ],
  [
    "an unknown on-match policy",
    "host: a.example\noutbound_on_match: allow",
    3,
    24,
    'routes[0].outbound_on_match must be one of supervise, block, redact, got "allow"',
  ],
  [
    "git without fetch",
    "host: a.example\ngit: {}",
    3,
    10,
    'missing required key "fetch" in routes[0].git',
  ],
  [
    "git push",
    "host: a.example\ngit: {fetch: true, push: true}",
    3,
    24,
    'unknown key "push" in routes[0].git (allowed: fetch)',
  ],
  [
    "a string allow_private",
    "host: a.example\nallow_private: 'true'",
    3,
    20,
    'routes[0].allow_private must be true or false, got "true"',
  ],
];

for (const [name, fields, line, column, detail] of INVALID) {
  Deno.test(`RouteSchema rejects ${name}`, () => {
    const err = rejection(fields);
    assert.equal(err.detail, `Cannot load routes file: ${detail}`);
    assert.deepEqual([err.line, err.column], [line, column]);
  });
}

Deno.test("RouteSchema lower-cases hosts and accepts single-label and punycode names", () => {
  for (
    const [input, stored] of [["Example.COM", "example.com"], ["localhost", "localhost"], [
      "xn--bcher-kva.example",
      "xn--bcher-kva.example",
    ]]
  ) {
    const route = RouteSchema.parse({ host: input });
    assert.equal(route.host, stored);
  }
});

function undescribed(schema: unknown, at = ""): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  const children = ["innerType", "in", "out", "element", "valueType"].map((k) => def[k])
    .concat((def.options as unknown[] | undefined) ?? []).filter((s) => s !== undefined);
  const out = children.flatMap((s) => undescribed(s, at));
  if (def.type === "object") {
    for (
      const [key, field] of Object.entries(def.shape as Record<string, { description?: string }>)
    ) {
      if (!field.description) out.push(`${at}${key}`);
      out.push(...undescribed(field, `${at}${key}.`));
    }
  }
  return out;
}

Deno.test("RoutesFileSchema describes every field, nested ones included", () => {
  assert.deepEqual(undescribed(RoutesFileSchema), []);
});

Deno.test("hostProblem() accepts DNS names only", () => {
  assert.equal(hostProblem("api.github.com"), undefined);
  assert.match(hostProblem("*") ?? "", /wildcard/);
  assert.match(hostProblem("-a.example") ?? "", /DNS name/);
  assert.match(hostProblem(`${"a".repeat(64)}.example`) ?? "", /DNS name/);
});
