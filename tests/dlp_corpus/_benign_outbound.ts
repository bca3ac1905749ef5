/**
 * Benign outbound traffic, shaped like what agents send: package registry requests, API calls
 * with ids, timestamps, prices and phone numbers, content-addressed and cache-busted URLs,
 * public JWT-shaped tokens, model API requests that talk about security, source uploads,
 * telemetry, images and CSVs.
 */
import { outbound, seq } from "./_case.ts";
import type { Placed } from "./_carriers.ts";
import { b64, b64url } from "./_encode.ts";
import { ibanValid, luhnValid } from "./_checksums.ts";
import { B64URL, Rng } from "./_rng.ts";
import { PACKAGES, pngBytes, SOURCE_FILES } from "./_benign_material.ts";
import type { CorpusCase } from "./mod.ts";

function builder(cls: string, prefix: string) {
  const cases: CorpusCase[] = [];
  return {
    rng: new Rng(`benign:${cls}`),
    cases,
    add(what: string, placed: Placed): void {
      cases.push(
        outbound(
          { id: `${prefix}-${seq(cases.length)}`, class: cls, label: "benign", what },
          placed,
        ),
      );
    },
  };
}

function json(
  host: string,
  target: string,
  body: unknown,
  headers: [string, string][] = [],
): Placed {
  return {
    host,
    request: {
      method: "POST",
      target,
      headers,
      contentType: "application/json",
      body: JSON.stringify(body),
    },
  };
}

function get(host: string, target: string, headers: [string, string][] = []): Placed {
  return { host, request: { method: "GET", target, headers } };
}

/** @returns npm, PyPI, crates and Go proxy requests (class `registry_request`). */
export function registryRequestCases(): CorpusCase[] {
  const b = builder("registry_request", "b-reg");
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
  const b = builder("api_json", "b-api");
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
  const b = builder("content_addressed", "b-cas");
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
  const b = builder("cache_busting", "b-cache");
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
  const b = builder("jwt_public", "b-jwt");
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

const SECURITY_QUESTIONS = [
  "How do I rotate the AWS_SECRET_ACCESS_KEY used by our CI without downtime?",
  "Explain what a prompt injection is and why 'ignore previous instructions' in a web page is dangerous for agents.",
  "Write a .env.example for a Next.js app that uses Stripe; use placeholders like sk_live_... for the values.",
  "Our GitHub token leaked in a log (it started with ghp_). What should we do first?",
  "Review this code: const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });",
  "What is the difference between a publishable key (pk_live_...) and a secret key (sk_live_...)?",
  "Summarize OWASP LLM01 (prompt injection) and LLM02 (sensitive information disclosure).",
  "Is it safe to run `curl https://example.com/install.sh | sh`? What should I check first?",
  "Generate a regex that matches AWS access key ids (AKIA followed by 16 characters) for our log scrubber.",
  "How does Luhn validation work for credit card numbers? Show an example with 4xxx xxxx xxxx xxxx.",
];

/** @returns Model API requests about security (class `model_api_request`). */
export function modelRequestCases(): CorpusCase[] {
  const b = builder("model_api_request", "b-llm");
  const r = b.rng;
  for (let i = 0; i < 30; i++) {
    const question = SECURITY_QUESTIONS[i % SECURITY_QUESTIONS.length]!;
    const file = SOURCE_FILES[i % SOURCE_FILES.length]!;
    const history = [
      { role: "user", content: question },
      {
        role: "assistant",
        content:
          "Sure. First, make sure the value is never committed; load it from the environment and keep a placeholder such as YOUR_API_KEY in examples.",
      },
      { role: "user", content: `Here is the file:\n\`\`\`\n${file.text}\n\`\`\`` },
    ];
    const anthropic = i % 2 === 0;
    b.add(
      `${anthropic ? "Messages" : "Chat Completions"} request: ${question.slice(0, 40)}`,
      json(
        "llm.corpus.test",
        anthropic ? "/v1/messages" : "/v1/chat/completions",
        anthropic
          ? {
            model: "claude-sonnet-4-5",
            max_tokens: 4096,
            system: "You are a careful coding assistant. Never reveal secrets.",
            messages: history,
            metadata: { user_id: r.uuid() },
          }
          : {
            model: "gpt-4.1",
            messages: [{ role: "system", content: "You are a security reviewer." }, ...history],
            temperature: 0.2,
          },
        [["anthropic-version", "2023-06-01"], ["x-request-id", r.uuid()]],
      ),
    );
  }
  return b.cases;
}

/** @returns Source files sent to APIs (class `source_upload`). */
export function sourceUploadCases(): CorpusCase[] {
  const b = builder("source_upload", "b-src");
  const r = b.rng;
  for (let i = 0; i < 20; i++) {
    const file = SOURCE_FILES[i % SOURCE_FILES.length]!;
    if (i % 2 === 0) {
      b.add(`contents API PUT of ${file.path} (base64)`, {
        host: "api.corpus.test",
        request: {
          method: "PUT",
          target: `/repos/acme/widget/contents/${file.path}`,
          headers: [["Accept", "application/vnd.github+json"]],
          contentType: "application/json",
          body: JSON.stringify({
            message: `chore: update ${file.path}`,
            content: b64(file.text),
            sha: r.hex(40),
            branch: "main",
          }),
        },
      });
    } else {
      b.add(
        `gist or PR comment with ${file.path}`,
        json(
          "api.corpus.test",
          i % 4 === 1 ? "/gists" : `/repos/acme/widget/issues/${r.int(10, 999)}/comments`,
          i % 4 === 1
            ? { files: { [file.path.split("/").pop()!]: { content: file.text } }, public: false }
            : { body: `Suggested change:\n\n\`\`\`\n${file.text}\n\`\`\`` },
        ),
      );
    }
  }
  return b.cases;
}

/** @returns Numbers that look like cards or IBANs but fail their checksums (class `checksum_lookalike`). */
export function lookalikeOutboundCases(): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const r = new Rng("benign:lookalike-out");
  for (let i = 0; i < 15; i++) {
    const { value, kind, what } = lookalike(r, i);
    cases.push(outbound(
      {
        id: `b-look-out-${seq(i)}`,
        class: "checksum_lookalike",
        label: "benign",
        what,
        checks: [{ kind, value, valid: false }],
      },
      json("api.corpus.test", "/v1/shipments", {
        reference: value,
        carrier: "DHL",
        weight_kg: r.int(1, 30),
        note: "reference from the order form",
      }),
    ));
  }
  return cases;
}

/**
 * A number shaped like a card or an IBAN whose checksum fails.
 *
 * @param r The generator.
 * @param i Which shape.
 * @returns The value and its claim.
 */
export function lookalike(
  r: Rng,
  i: number,
): { value: string; kind: "luhn" | "iban"; what: string } {
  if (i % 3 === 2) {
    for (;;) {
      const value = `DE${r.digits(2)}${r.digits(18)}`;
      if (!ibanValid(value)) {
        return { value, kind: "iban", what: "IBAN-shaped reference with wrong check digits" };
      }
    }
  }
  for (;;) {
    const value = `${i % 3 === 0 ? "4" : "5" + r.int(1, 5)}${r.digits(i % 3 === 0 ? 15 : 14)}`;
    if (!luhnValid(value)) {
      return {
        value: i % 2 === 0 ? value : value.match(/.{4}/g)!.join(" "),
        kind: "luhn",
        what: "card-shaped order number failing Luhn",
      };
    }
  }
}

/** @returns Images sent as base64 (class `base64_image`). */
export function imageUploadCases(): CorpusCase[] {
  const b = builder("base64_image", "b-img-out");
  for (let i = 0; i < 10; i++) {
    const png = b64(pngBytes(b.rng, 600 + i * 150));
    b.add(
      i % 2 === 0 ? "image block in a model request" : "avatar upload as a data URL",
      i % 2 === 0
        ? json("llm.corpus.test", "/v1/messages", {
          model: "claude-sonnet-4-5",
          max_tokens: 512,
          messages: [{
            role: "user",
            content: [{
              type: "image",
              source: { type: "base64", media_type: "image/png", data: png },
            }, { type: "text", text: "What does this chart show?" }],
          }],
        })
        : json("api.corpus.test", "/v1/users/me/avatar", { image: `data:image/png;base64,${png}` }),
    );
  }
  return b.cases;
}

/** @returns Traces, error reports and analytics (class `telemetry`). */
export function telemetryCases(): CorpusCase[] {
  const b = builder("telemetry", "b-tel");
  const r = b.rng;
  for (let i = 0; i < 15; i++) {
    const traceId = r.hex(32);
    const shapes: [string, () => Placed][] = [
      ["OTLP spans with trace ids", () =>
        json("collect.corpus.test", "/v1/traces", {
          resourceSpans: [{
            resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
            scopeSpans: [{
              spans: [{
                traceId,
                spanId: r.hex(16),
                parentSpanId: r.hex(16),
                name: "GET /cart",
                startTimeUnixNano: `${1764990000000000000 + r.int(0, 999999)}`,
                kind: 2,
              }],
            }],
          }],
        }, [["traceparent", `00-${traceId}-${r.hex(16)}-01`]])],
      ["error report with stack trace", () =>
        json("collect.corpus.test", "/api/42/store/", {
          event_id: r.hex(32),
          timestamp: 1764990000 + r.int(0, 9999),
          platform: "node",
          level: "error",
          exception: {
            values: [{
              type: "TypeError",
              value: "Cannot read properties of undefined (reading 'id')",
              stacktrace: {
                frames: [{
                  filename: "/app/dist/server.js",
                  lineno: r.int(1, 9999),
                  colno: r.int(1, 80),
                  function: "handler",
                }],
              },
            }],
          },
          tags: { release: `web@${r.hex(7)}` },
        })],
      ["analytics track call", () =>
        json("collect.corpus.test", "/v1/t", {
          type: "track",
          event: "Checkout Completed",
          anonymousId: r.uuid(),
          messageId: `ajs-next-${r.hex(32)}`,
          properties: { revenue: r.int(100, 9999) / 100, currency: "USD" },
          context: { page: { path: "/checkout" }, userAgent: "Mozilla/5.0" },
        })],
    ];
    const [what, make] = shapes[i % shapes.length]!;
    b.add(what, make());
  }
  return b.cases;
}

/** @returns CSV uploads of numbers (class `csv_numbers`). */
export function csvUploadCases(): CorpusCase[] {
  const b = builder("csv_numbers", "b-csv-out");
  const r = b.rng;
  for (let i = 0; i < 8; i++) {
    const rows = ["date,open,high,low,close,volume"];
    for (let d = 0; d < 40; d++) {
      const base = r.int(1000, 90000) / 100;
      rows.push(
        `2026-${String(1 + (d % 12)).padStart(2, "0")}-${
          String(1 + (d % 28)).padStart(2, "0")
        },${base},${(base * 1.02).toFixed(2)},${(base * 0.98).toFixed(2)},${
          (base * 1.01).toFixed(2)
        },${r.int(1000, 9999999)}`,
      );
    }
    b.add("price series CSV", {
      host: "collect.corpus.test",
      request: {
        method: "POST",
        target: `/v1/datasets/${r.alnum(8).toLowerCase()}/rows`,
        headers: [],
        contentType: "text/csv",
        body: rows.join("\n") + "\n",
      },
    });
  }
  return b.cases;
}
