import assert from "node:assert/strict";
import { ManifestError } from "../errors/mod.ts";
import { parseRoutesFile, type RoutesFile, stringifyRoutesFile } from "./mod.ts";

const FILE = "/state/dev/egress/routes.yaml";

function rejection(text: string): ManifestError {
  try {
    parseRoutesFile(text, FILE);
  } catch (err) {
    assert.ok(err instanceof ManifestError, String(err));
    return err;
  }
  assert.fail(`expected rejection of:\n${text}`);
}

const FULL = `log: 2
routes:
  - host: API.GitHub.com
    auth:
      scheme: Bearer
      token_ref: GH_TOKEN
    matches:
      - paths:
          - {type: prefix, value: /repos/acme/}
          - {type: exact, value: /user}
          - {type: regex, value: "/orgs/[a-z]+"}
        methods: [get, POST]
        headers:
          - {name: Accept, value: application/json}
          - {name: X-Id, value: "[0-9]+", type: regex}
    dlp:
      outbound_detectors: [token_patterns, entropy]
      inbound_detectors: false
    outbound_on_match: block
    inbound_on_secret: block
    git: {fetch: true}
  - host: registry.npmjs.org
    allow_private: true
  - host: "yes.example"
    matches:
      - headers:
          - {name: X-Mode, value: "on"}
`;

Deno.test("parseRoutesFile() reads every route field and applies defaults", () => {
  const file = parseRoutesFile(FULL, FILE);
  assert.equal(file.log, 2);
  const [gh, npm, yes] = file.routes;
  assert.deepEqual(gh, {
    host: "api.github.com",
    auth: { scheme: "Bearer", token_ref: "GH_TOKEN" },
    matches: [{
      paths: [
        { type: "prefix", value: "/repos/acme/" },
        { type: "exact", value: "/user" },
        { type: "regex", value: "/orgs/[a-z]+" },
      ],
      methods: ["GET", "POST"],
      headers: [
        { name: "Accept", value: "application/json", type: "exact" },
        { name: "X-Id", value: "[0-9]+", type: "regex" },
      ],
    }],
    dlp: { outbound_detectors: ["token_patterns", "entropy"], inbound_detectors: false },
    outbound_on_match: "block",
    inbound_on_secret: "block",
    git: { fetch: true },
    allow_private: false,
  });
  assert.deepEqual(npm, {
    host: "registry.npmjs.org",
    outbound_on_match: "supervise",
    inbound_on_secret: "redact",
    allow_private: true,
  });
  assert.equal(yes?.matches?.[0]?.headers?.[0]?.value, "on");
});

Deno.test("stringifyRoutesFile() output parses back to the same routes file", () => {
  const file = parseRoutesFile(FULL, FILE);
  const text = stringifyRoutesFile(file);
  assert.deepEqual(parseRoutesFile(text, FILE), file);
  assert.match(text, /value: "on"/, "a YAML 1.1 boolean word must be quoted on the way out");
  assert.doesNotMatch(text, /[&*]\w/, "no anchors or aliases");
});

Deno.test("stringifyRoutesFile() leaves out fields that hold their default", () => {
  const file: RoutesFile = {
    log: 0,
    routes: [{
      host: "example.com",
      outbound_on_match: "supervise",
      inbound_on_secret: "redact",
      allow_private: false,
    }],
  };
  assert.equal(stringifyRoutesFile(file), "routes:\n  - host: example.com\n");
  assert.deepEqual(parseRoutesFile(stringifyRoutesFile(file), FILE), file);
  const shared = { scheme: "Bearer" as const, token_ref: "T" };
  const twoShared: RoutesFile = {
    log: 1,
    routes: [
      {
        host: "a.example",
        auth: shared,
        outbound_on_match: "redact",
        inbound_on_secret: "redact",
        allow_private: false,
      },
      {
        host: "b.example",
        auth: shared,
        outbound_on_match: "redact",
        inbound_on_secret: "redact",
        allow_private: false,
      },
    ],
  };
  assert.deepEqual(parseRoutesFile(stringifyRoutesFile(twoShared), FILE), twoShared);
});

Deno.test("stringifyRoutesFile() round-trips long, quoted and odd-looking values", () => {
  const long = `/${"segment/".repeat(30)}[a-z]+ x`;
  const file: RoutesFile = {
    log: 2,
    routes: [{
      host: "a.example",
      matches: [{
        paths: [{ type: "regex", value: long }],
        headers: [
          { name: "X-A", value: "%YAML 1.1", type: "exact" },
          { name: "X-B", value: "a: b # c", type: "exact" },
          { name: "X-C", value: "  padded\t", type: "exact" },
          { name: "X-D", value: "~", type: "exact" },
          { name: "X-E", value: "Off", type: "exact" },
        ],
      }],
      outbound_on_match: "supervise",
      inbound_on_secret: "redact",
      allow_private: false,
    }],
  };
  const text = stringifyRoutesFile(file);
  assert.deepEqual(parseRoutesFile(text, FILE), file);
  assert.ok(text.includes(long), "long values stay on one line");
});

Deno.test("parseRoutesFile() accepts an empty route list and defaults log to 0", () => {
  assert.deepEqual(parseRoutesFile("routes: []\n", FILE), { log: 0, routes: [] });
});

const REJECTED: [string, string, number, number, string][] = [
  ["an empty file (a partial write)", "", 1, 1, "the top level must be a mapping, got nothing"],
  ["a file without routes", "log: 1\n", 1, 1, 'missing required key "routes"'],
  ["log as a boolean", "log: true\nroutes: []\n", 1, 6, "log must be one of 0, 1, 2, got true"],
  [
    "a wildcard host",
    "routes:\n  - host: '*.github.com'\n",
    2,
    11,
    'routes[0].host has a wildcard ("*.github.com"); wildcards match nothing, list each host ' +
    "exactly",
  ],
  [
    "a duplicate host, in any case",
    "routes:\n  - host: a.example\n  - host: A.example\n",
    3,
    11,
    'routes[1].host repeats "a.example" (already routed by entry 0); each host may have one ' +
    "route: merge the two",
  ],
  [
    "role, with any value",
    "routes:\n  - host: a.example\n    role: null\n",
    3,
    5,
    '"role" is reserved on routes and not accepted with any value; provider credentials come ' +
    "from agent_provider.auth_token",
  ],
  [
    "the retired path_allowlist",
    "routes:\n  - host: a.example\n    path_allowlist: [/x]\n",
    3,
    5,
    '"path_allowlist" was replaced by matches: [{paths: [{type: prefix, value: …}]}]',
  ],
  [
    "an unknown route key",
    "routes:\n  - host: a.example\n    outbound_on_matc: block\n",
    3,
    5,
    'unknown key "outbound_on_matc" in routes[0] (did you mean "outbound_on_match"?)',
  ],
  [
    "a YAML 1.1 boolean",
    "routes:\n  - host: a.example\n    git: {fetch: yes}\n",
    3,
    18,
    'ambiguous value yes: YAML 1.1 reads it as a boolean; write true or false, or quote it ("yes") for a string',
  ],
];

for (const [name, text, line, column, detail] of REJECTED) {
  Deno.test(`parseRoutesFile() rejects ${name}`, () => {
    const err = rejection(text);
    assert.equal(err.detail, `Cannot load routes file: ${detail}`);
    assert.deepEqual([err.file, err.line, err.column], [FILE, line, column]);
    assert.ok(err.message.startsWith(`${FILE}:${line}:${column}: `));
  });
}
