/**
 * Benign outbound requests, shaped like what agents send: package registry requests, API calls
 * with ids, timestamps, prices and phone numbers, content-addressed and cache-busted URLs, and
 * public JWT-shaped tokens.
 */
import { benignOutbound, json } from "./_case.ts";
import type { Placed } from "./_carriers.ts";
import { b64url } from "./_encode.ts";
import { B64URL } from "./_rng.ts";
import { PACKAGES } from "./_benign_material.ts";
import type { CorpusCase } from "./mod.ts";

function get(host: string, target: string, headers: [string, string][] = []): Placed {
  return { host, request: { method: "GET", target, headers } };
}

/** @returns npm, PyPI, crates and Go proxy requests (class `registry_request`). */
export function registryRequestCases(): CorpusCase[] {
  const b = benignOutbound("registry_request", "b-reg");
  PACKAGES.slice(0, 8).forEach((p, i) => {
    const npm: [string, string][] = [
      ["User-Agent", "npm/10.9.2 node/v22.12.0 linux x64 workspaces/false"],
      ["npm-session", b.rng.hex(16)],
      ["npm-command", "install"],
      ["Accept", "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*"],
      ["If-None-Match", `W/"${b.rng.hex(32)}"`],
    ];
    b.add(
      `npm packument ${p.name}`,
      get("registry.corpus.test", `/${p.name.replace("/", "%2f")}`, npm),
    );
    b.add(
      `npm tarball ${p.name}`,
      get(
        "registry.corpus.test",
        `/${p.name}/-/${p.name.split("/").pop()}-${p.version}.tgz`,
        npm.slice(0, 3),
      ),
    );
    if (i < 4) {
      const h = b.rng.hex(60);
      b.add(
        `PyPI wheel ${p.py}`,
        get(
          "registry.corpus.test",
          `/packages/${h.slice(0, 2)}/${h.slice(2, 4)}/${
            h.slice(4)
          }/${p.py}-${p.version}-py3-none-any.whl`,
          [[
            "User-Agent",
            'pip/24.3.1 {"ci":null,"cpu":"x86_64","implementation":{"name":"CPython","version":"3.12.7"}}',
          ]],
        ),
      );
    }
  });
  b.add(
    "PyPI simple index",
    get("registry.corpus.test", "/simple/requests/", [[
      "Accept",
      "application/vnd.pypi.simple.v1+json",
    ]]),
  );
  b.add(
    "crates.io sparse index",
    get("registry.corpus.test", "/3/s/serde", [[
      "User-Agent",
      "cargo/1.83.0 (5ffbef321 2024-10-29)",
    ]]),
  );
  b.add(
    "Go module proxy info",
    get("registry.corpus.test", "/github.com/!azure/azure-sdk-for-go/@v/v68.0.0+incompatible.info"),
  );
  b.add(
    "Go checksum database lookup",
    get("registry.corpus.test", "/lookup/golang.org/x/net@v0.31.0"),
  );
  return b.cases;
}

const NAMES = [
  "Ada Lovelace",
  "Grace Hopper",
  "Alan Turing",
  "Katherine Johnson",
  "Edsger Dijkstra",
  "Barbara Liskov",
];

/** @returns API calls full of identifiers (class `api_json`). */
export function apiJsonCases(): CorpusCase[] {
  const b = benignOutbound("api_json", "b-api");
  const r = b.rng;
  for (let i = 0; i < 30; i++) {
    const when = new Date(Date.UTC(2026, r.int(0, 11), r.int(1, 28), r.int(0, 23), r.int(0, 59)))
      .toISOString();
    const shapes: [string, () => Placed][] = [
      ["order with prices and a phone number", () =>
        json("api.corpus.test", "/v1/orders", {
          id: r.uuid(),
          customer: {
            name: r.pick(NAMES),
            phone: `+1 415 555 ${r.digits(4)}`,
            email: `user${r.int(1, 999)}@example.com`,
          },
          items: [{
            sku: `SKU-${r.int(10000, 99999)}`,
            qty: r.int(1, 5),
            unit_price: Number((r.int(100, 99999) / 100).toFixed(2)),
          }],
          currency: "EUR",
          created_at: when,
          idempotency_key: r.uuid(),
        })],
      [
        "ticket update with ids",
        () =>
          json("api.corpus.test", `/v2/tickets/${r.int(10000, 99999)}`, {
            status: "pending",
            assignee_id: r.int(1000000, 9999999),
            tags: ["billing", "refund"],
            updated_at: when,
            request_id: `req_${r.alnum(14)}`,
          }),
      ],
      ["calendar event", () =>
        json("api.corpus.test", "/calendar/v3/events", {
          summary: "Sprint review",
          start: { dateTime: when, timeZone: "Europe/Berlin" },
          attendees: [{ email: "team@example.com" }],
          conferenceId: `${r.str("abcdefghijklmnopqrstuvwxyz", 3)}-${
            r.str("abcdefghijklmnopqrstuvwxyz", 4)
          }-${r.str("abcdefghijklmnopqrstuvwxyz", 3)}`,
        })],
      [
        "search with paging cursor",
        () =>
          get(
            "api.corpus.test",
            `/v1/customers?limit=50&starting_after=cus_${r.alnum(14)}&created[gte]=${
              1760000000 + r.int(0, 99999)
            }`,
          ),
      ],
      ["GraphQL query with node ids", () =>
        json("api.corpus.test", "/graphql", {
          query:
            "query($id: ID!) { node(id: $id) { ... on Issue { title comments(first: 20) { nodes { body } } } } }",
          variables: { id: `I_kwDO${r.str(B64URL, 14)}` },
        })],
      [
        "payment intent lookup by id",
        () =>
          get("api.corpus.test", `/v1/payment_intents/pi_${r.alnum(24)}?expand[]=latest_charge`),
      ],
    ];
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, make());
  }
  return b.cases;
}

/** @returns Content-addressed URLs (class `content_addressed`). */
export function contentAddressedCases(): CorpusCase[] {
  const b = benignOutbound("content_addressed", "b-cas");
  const r = b.rng;
  const nix = "0123456789abcdfghijklmnpqrsvwxyz";
  const shapes: [string, () => string][] = [
    ["OCI blob by sha256 digest", () => `/v2/library/node/blobs/sha256:${r.hex(64)}`],
    ["OCI manifest by digest", () => `/v2/acme/api/manifests/sha256:${r.hex(64)}`],
    ["git commit by SHA", () => `/repos/acme/widget/commits/${r.hex(40)}`],
    ["git tree by SHA", () => `/repos/acme/widget/git/trees/${r.hex(40)}?recursive=1`],
    ["compare two SHAs", () => `/repos/acme/widget/compare/${r.hex(40)}...${r.hex(40)}`],
    ["IPFS CID", () => `/ipfs/bafybei${r.str("abcdefghijklmnopqrstuvwxyz234567", 52)}`],
    ["Nix narinfo", () => `/${r.str(nix, 32)}.narinfo`],
    ["Nix NAR", () => `/nar/${r.str(nix, 52)}.nar.xz`],
    ["Bazel remote cache CAS", () => `/cas/${r.hex(64)}`],
    ["artifact by checksum query", () => `/artifacts/download?file=build.zip&sha256=${r.hex(64)}`],
    [
      "GitHub Actions cache key",
      () =>
        `/_apis/artifactcache/cache?keys=node-cache-Linux-x64-npm-${r.hex(64)}&version=${
          r.hex(64)
        }`,
    ],
    ["raw file at a commit", () => `/acme/widget/${r.hex(40)}/src/index.ts`],
  ];
  for (let i = 0; i < 24; i++) {
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, get(i % 2 === 0 ? "cdn.corpus.test" : "api.corpus.test", make()));
  }
  return b.cases;
}

/** @returns Cache-busting query strings and hashed asset names (class `cache_busting`). */
export function cacheBustingCases(): CorpusCase[] {
  const b = benignOutbound("cache_busting", "b-cache");
  const r = b.rng;
  const shapes: [string, () => string][] = [
    ["CRA hashed bundle", () => `/static/js/main.${r.hex(8)}.js`],
    ["Vite hashed asset", () => `/assets/index-${r.str(B64URL.replace("-", ""), 8)}.js`],
    ["Next.js chunk", () => `/_next/static/chunks/pages/_app-${r.hex(16)}.js`],
    ["Next.js build id", () => `/_next/static/${r.str(B64URL, 21)}/_buildManifest.js`],
    ["millisecond timestamp", () => `/api/status?_=${1764990000000 + r.int(0, 9999999)}`],
    ["version query", () => `/css/site.css?v=${r.hex(10)}`],
    ["uuid cache buster", () => `/config.json?cb=${r.uuid()}`],
    ["webpack contenthash", () => `/dist/vendors~main.${r.hex(20)}.chunk.js`],
    ["font with version", () => `/fonts/inter-var.woff2?v=4.${r.int(0, 9)}`],
    [
      "image CDN transform with signature-less hash",
      () => `/img/${r.hex(32)}/w_640,q_auto/hero.webp`,
    ],
  ];
  for (let i = 0; i < 20; i++) {
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, get("cdn.corpus.test", make(), [["Referer", "https://app.corpus.test/"]]));
  }
  return b.cases;
}

function jwt(header: object, payload: object, signature: string): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}${
    signature === "" ? "." : `.${signature}`
  }`;
}

/** @returns Tokens that are public by design and shaped like JWTs (class `jwt_public`). */
export function jwtPublicCases(): CorpusCase[] {
  const b = benignOutbound("jwt_public", "b-jwt");
  const r = b.rng;
  for (let i = 0; i < 4; i++) {
    const anon = jwt({ alg: "HS256", typ: "JWT" }, {
      iss: "supabase",
      ref: r.str("abcdefghijklmnopqrst", 20),
      role: "anon",
      iat: 1750000000,
      exp: 2065576000,
    }, r.str(B64URL, 43));
    b.add(
      "Supabase anon key (public, shipped to browsers)",
      get("api.corpus.test", `/rest/v1/todos?select=*&order=id.asc&limit=${10 + i}`, [[
        "apikey",
        anon,
      ], ["Authorization", `Bearer ${anon}`]]),
    );
  }
  for (let i = 0; i < 3; i++) {
    const pk = `pk.${
      b64url(
        JSON.stringify({
          u: `acme-maps-${i}`,
          a: r.str("abcdefghijklmnopqrstuvwxyz0123456789", 25),
        }),
      )
    }.${r.str(B64URL, 22)}`;
    b.add(
      "Mapbox public token in a tile request",
      get(
        "cdn.corpus.test",
        `/v4/mapbox.satellite/${r.int(1, 14)}/${r.int(0, 999)}/${
          r.int(0, 999)
        }@2x.jpg90?access_token=${pk}`,
      ),
    );
  }
  for (let i = 0; i < 3; i++) {
    const unsigned = jwt({ alg: "none", typ: "JWT" }, {
      sub: "1234567890",
      name: "John Doe",
      admin: i % 2 === 0,
    }, "");
    b.add(
      "unsigned example JWT in a question to a model",
      json("llm.corpus.test", "/v1/messages", {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        messages: [{
          role: "user",
          content: `Why does my verifier accept this token? ${unsigned}\nIt has alg none.`,
        }],
      }),
    );
  }
  return b.cases;
}
