/**
 * The classes of leak an independent red team found, through the real proxy with curl: the
 * injected token echoed back by an origin, request parts that were not scanned (method, header
 * names, repeated headers joined, escapes the origin decodes), the canary's random part alone,
 * approvals that held for every host, and fragments in targets.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import { join } from "node:path";
import tls from "node:tls";
import { gzipSync } from "node:zlib";
import { type Proposal, writeResponse } from "../../core/queue/mod.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { curl, openTunnel, startBed } from "./_harness.ts";

const TOKEN = `e2e-real-${crypto.randomUUID().replaceAll("-", "")}`;
const CANARY = `bbcanary-${crypto.randomUUID().replaceAll("-", "")}`;
const ENV = { API_TOKEN: TOKEN, BOT_BOTTLE_CANARY: CANARY };
const ROUTES = `
routes:
  - host: api.test
    outbound_on_match: block
    auth: {scheme: Bearer, token_ref: API_TOKEN}
  - host: other.test
    outbound_on_match: block
    inbound_on_secret: block
    auth: {scheme: Bearer, token_ref: API_TOKEN}
  - host: git.test
    outbound_on_match: block
    matches:
      - paths: [{type: prefix, value: /allowed/}]
  - host: redact.test
    outbound_on_match: redact
    matches:
      - methods: [GET, TRACE]
`;

function rule(body: string): string | undefined {
  try {
    return JSON.parse(body).rule;
  } catch {
    return undefined;
  }
}

/** An origin that echoes the request's Authorization in the ways origins do. */
function echoing(req: Request): Response {
  const auth = req.headers.get("authorization") ?? "";
  const path = new URL(req.url).pathname;
  if (path === "/json") return Response.json({ headers: { authorization: auth } });
  if (path === "/header") return new Response("ok", { headers: { "x-echo": auth } });
  if (path === "/gzip") {
    return new Response(new Uint8Array(gzipSync(`you sent: ${auth}`)), {
      headers: { "content-encoding": "gzip" },
    });
  }
  if (path === "/base64") return new Response(`debug=${btoa(auth)}`);
  if (path === "/escaped") {
    const escaped = [...auth].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    return new Response(`{"a": "${escaped.join("")}"}`);
  }
  if (path === "/sse") {
    return new Response(`data: hello\n\ndata: ${auth}\n\n`, {
      headers: { "content-type": "text/event-stream" },
    });
  }
  if (path === "/big") return new Response(`${"x".repeat(3 * 1024 * 1024)} ${auth} end`);
  return new Response(`<h1>400 Bad Request</h1><pre>Authorization: ${auth}</pre>`, {
    status: 400,
  });
}

Deno.test("an origin that echoes the injected token never hands it to the agent", async (t) => {
  await using bed = await startBed(ROUTES, { env: ENV });
  bed.setHandler(echoing);
  for (const path of ["/json", "/gzip", "/base64", "/escaped", "/sse", "/big", "/error"]) {
    await t.step(`${path}: redacted by default`, async () => {
      const out = await curl(bed, `https://api.test${path}`, ["--compressed"]);
      assert.ok(!out.body.includes(TOKEN), `${path} leaked the token`);
      assert.ok(!out.body.includes(btoa(`Bearer ${TOKEN}`).slice(8, 40)), `${path} leaked base64`);
      assert.ok(!out.body.includes(TOKEN.slice(9)), `${path} leaked the secret part`);
      assert.match(out.body, /\*{20,}/, `${path}: ${out.body.slice(0, 200)}`);
      assert.equal(out.status, path === "/error" ? 400 : 200);
    });
  }
  await t.step("a response header is redacted", async () => {
    const out = await curl(bed, "https://api.test/header", ["-D", "/dev/stderr"]);
    assert.equal(out.status, 200);
    assert.ok(!out.stderr.includes(TOKEN), out.stderr);
    // The secret part is redacted; the public prefix before it stays.
    assert.match(out.stderr, /x-echo: Bearer e2e-real-\[REDACTED:known_secret\]/i);
  });
  await t.step("a route set to block refuses the response instead", async () => {
    for (const path of ["/json", "/header", "/big"]) {
      const out = await curl(bed, `https://other.test${path}`);
      assert.ok(!out.body.includes(TOKEN), `${path} leaked the token`);
      if (path === "/big") continue; // past the commit point the connection is cut instead
      assert.equal(out.status, 403, `${path}: ${out.body}`);
      assert.equal(rule(out.body), "dlp_reflection");
    }
  });
});

Deno.test("TRACE is refused unless the route lists it", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  bed.setHandler((req) => new Response(`${req.method} echoed`));
  for (const method of ["TRACE", "trace", "TRACK"]) {
    const out = await curl(bed, "https://api.test/x", ["-X", method]);
    assert.equal(out.status, 403, `${method}: ${out.body}`);
    assert.equal(rule(out.body), "trace");
  }
  const listed = await curl(bed, "https://redact.test/x", ["-X", "TRACE"]);
  assert.equal(listed.status, 200, listed.body);
  assert.equal(bed.seen.length, 1);
});

Deno.test("the method and header names are scanned, and odd methods refused", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const random = CANARY.slice(9);
  const cases: [string, string[], string][] = [
    ["canary as a header name", ["-H", `X-${random}: 1`], "dlp_canary"],
    ["canary as the method", ["-X", `M${random}`], "bad_request"],
    ["canary split across a name and its value", [
      "-H",
      `X-${random.slice(0, 16)}: ${random.slice(16)}`,
    ], "dlp_canary"],
    ["a 25-character method", ["-X", "A".repeat(25)], "bad_request"],
  ];
  for (const [what, args, expected] of cases) {
    const out = await curl(bed, "https://api.test/x", args);
    assert.equal(rule(out.body), expected, `${what}: ${out.body}`);
  }
  const awsKey = `AKIA${"QZ7XW2RT5YV3LK4N"}`;
  const method = await curl(bed, "https://api.test/x", ["-X", awsKey]);
  assert.equal(rule(method.body), "dlp_outbound", `an AWS key as the method: ${method.body}`);
  assert.equal(bed.seen.length, 0);
});

Deno.test("repeated headers are scanned as origins join them", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const random = CANARY.slice(9);
  for (const name of ["X-Part", "Cookie"]) {
    const out = await curl(bed, "https://api.test/x", [
      "-H",
      `${name}: ${random.slice(0, 16)}`,
      "-H",
      `${name}: ${random.slice(16)}`,
    ]);
    assert.equal(out.status, 403, `${name}: ${out.body}`);
    assert.equal(rule(out.body), "dlp_canary");
  }
  assert.equal(bed.seen.length, 0);
});

Deno.test("bodies are scanned as the origin decodes them, whatever the declared type", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const random = CANARY.slice(9);
  const json = [...random].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join("");
  const percent = Buffer.from(random).toString("hex").replace(/../g, "%$&");
  const cases: [string, string, string][] = [
    ["JSON escapes", "application/json", `{"k": "${json}"}`],
    ["percent-encoding, no type", "", `k=${percent}`],
    ["percent-encoding, wrong type", "text/plain", `k=${percent.slice(0, 30)}${random.slice(10)}`],
    ["reversed", "text/plain", [...random].reverse().join("")],
  ];
  for (const [what, type, body] of cases) {
    const out = await curl(bed, "https://api.test/up", [
      "-H",
      `Content-Type: ${type}`,
      "--data-binary",
      body,
    ]);
    assert.equal(out.status, 403, `${what}: ${out.body}`);
    assert.equal(rule(out.body), "dlp_canary", what);
  }
  assert.equal(bed.seen.length, 0);
});

Deno.test("the canary's random part alone is refused, in the URL and the body", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const random = CANARY.slice(9);
  for (const args of [[], ["--data-binary", `id=${random}`]]) {
    const url = args.length === 0 ? `https://api.test/x?id=${random}` : "https://api.test/x";
    const out = await curl(bed, url, args);
    assert.equal(rule(out.body), "dlp_canary", out.body);
  }
  assert.equal(bed.seen.length, 0);
});

Deno.test("a fragment in the request target is refused, never forwarded", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const tls = await openTunnel(bed, "git.test");
  tls.write("GET /allowed/#/../../secret HTTP/1.1\r\nHost: git.test\r\n\r\n");
  let answer = "";
  for await (const chunk of tls) answer += String(chunk);
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.match(answer, /fragment/);
  const plain = await curl(bed, "https://git.test/allowed/ok");
  assert.equal(plain.status, 200);
  assert.deepEqual(bed.seen.map((r) => new URL(r.url).pathname), ["/allowed/ok"]);
});

Deno.test("an approval holds for the host and route it was given for, and is logged", async () => {
  const routes = `
routes:
  - host: api.test
  - host: other.test
  - host: git.test
    outbound_on_match: block
`;
  // The operator's window: the test must find the proposal and answer within it, on a busy
  // machine too; the question nobody answers below waits all of it.
  await using bed = await startBed(routes, { queue: { timeoutMs: 4_000 } });
  const queueDir = join(bed.dir, "queue");
  const secret = ["ghp", "Zt4Kq9Lm2Xw7Rb5Nc8Vd1Hs6Jf3Ga0Pe4Yu7"].join("_");
  const held = curl(bed, "https://api.test/up", ["--data-binary", `t=${secret}`]);
  const proposal = await waitForProposal(queueDir);
  assert.match(proposal.proposed_file, /api\.test only/);
  await writeResponse(queueDir, proposal.id, { status: "approved", notes: "" });
  assert.equal((await held).status, 200);
  // The same value again, to the same host: no second question.
  assert.equal(
    (await curl(bed, "https://api.test/up", ["--data-binary", `t=${secret}`])).status,
    200,
  );
  // To another host: asked again (and refused when nobody answers).
  const elsewhere = await curl(bed, "https://other.test/up", ["--data-binary", `t=${secret}`]);
  assert.equal(elsewhere.status, 403, elsewhere.body);
  // To a block route: refused outright.
  const blocked = await curl(bed, "https://git.test/up", ["--data-binary", `t=${secret}`]);
  assert.equal(blocked.status, 403);
  assert.equal(rule(blocked.body), "dlp_outbound");
  assert.deepEqual(bed.seen.map((r) => new URL(r.url).host), ["api.test", "api.test"]);
  const audit = bed.logs.map((l) => JSON.parse(l)).filter((l) => l.event === "dlp_approval");
  assert.equal(audit.length, 1);
  assert.equal(audit[0].host, "api.test");
  assert.equal(audit[0].scope, "host+route");
  assert.match(audit[0].route, /^[0-9a-f]{12}$/);
  assert.ok(!JSON.stringify(bed.logs).includes(secret));
});

async function waitForProposal(queueDir: string): Promise<Proposal> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    try {
      for await (const entry of Deno.readDir(queueDir)) {
        if (entry.name.endsWith(".proposal.json")) {
          return JSON.parse(await Deno.readTextFile(join(queueDir, entry.name)));
        }
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no proposal in ${queueDir}`);
}

Deno.test("a known secret split across two requests to one host is refused", async () => {
  await using bed = await startBed(ROUTES, { env: ENV });
  const random = CANARY.slice(9);
  const first = await curl(bed, "https://api.test/a", [
    "--data-binary",
    `part=${random.slice(0, 14)}`,
  ]);
  assert.equal(first.status, 200, "half a canary is nothing on its own");
  const second = await curl(bed, "https://api.test/b", ["--data-binary", random.slice(14)]);
  assert.equal(second.status, 403, second.body);
  assert.equal(rule(second.body), "dlp_canary");
  // The seam between a target and its own body, too.
  const split = await curl(bed, `https://api.test/c?x=${random.slice(0, 20)}`, [
    "--data-binary",
    `${random.slice(20)}&y=1`,
  ]);
  assert.equal(rule(split.body), "dlp_canary", split.body);
  // And the seam between two targets: the second URL completes what the first one began.
  const start = await curl(bed, `https://api.test/d?x=${random.slice(0, 14)}`);
  assert.equal(start.status, 200, "half a canary in a URL is nothing on its own");
  const rest = await curl(bed, `https://api.test/${random.slice(14)}`);
  assert.equal(rest.status, 403, rest.body);
  assert.equal(rule(rest.body), "dlp_canary");
  assert.deepEqual(bed.seen.map((r) => new URL(r.url).pathname), ["/a", "/d"]);
});

Deno.test("a WebSocket upgrade is refused on a route that injects a credential", async () => {
  const routes = `
routes:
  - host: api.test
    auth: {scheme: Bearer, token_ref: API_TOKEN}
    dlp: {outbound_detectors: false, inbound_detectors: false}
`;
  await using bed = await startBed(routes, { env: ENV });
  const out = await curl(bed, "https://api.test/ws", [
    "-H",
    "Upgrade: websocket",
    "-H",
    "Connection: Upgrade",
    "-H",
    "Sec-WebSocket-Version: 13",
    "-H",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
  ]);
  assert.equal(out.status, 403, out.body);
  assert.equal(rule(out.body), "upgrade");
  assert.match(out.body, /injects a credential/);
  assert.equal(bed.seen.length, 0);
});

Deno.test("an echoed token in a status line, or quoted in a refusal, never reaches the agent", async () => {
  let context: tls.SecureContext | undefined;
  const raw = net.createServer((socket) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: context! });
    secure.on("error", () => {});
    secure.once("data", (data) => {
      const auth = /^authorization: (.*)\r$/im.exec(String(data))?.[1] ?? "";
      secure.end(
        String(data).startsWith("GET /reason ")
          ? `HTTP/1.1 200 ${auth}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n`
          : `HTTP/1.1 abc ${auth}\r\n\r\n`,
      );
    });
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  const port = (raw.address() as net.AddressInfo).port;
  try {
    await using bed = await startBed(ROUTES, {
      env: ENV,
      connectTo: { "api.test:443": `127.0.0.1:${port}` },
    });
    const leaf = await (await loadOrCreateCa(join(bed.dir, "origin-ca"))).issueLeaf("api.test");
    context = tls.createSecureContext({ cert: leaf.certPem, key: leaf.keyPem });
    const out = await curl(bed, "https://api.test/x");
    assert.equal(out.status, 502, out.body);
    assert.match(out.body, /malformed status line/);
    assert.ok(!out.body.includes(TOKEN.slice(9)), out.body);
    const reason = await curl(bed, "https://api.test/reason", ["-D", "/dev/stderr"]);
    assert.equal(reason.status, 200, reason.stderr);
    assert.match(reason.stderr, /HTTP\/1\.1 200 Bearer e2e-real-\[REDACTED/);
    assert.ok(!reason.stderr.includes(TOKEN.slice(9)), reason.stderr);
  } finally {
    raw.close();
  }
});

Deno.test("the agent's own secret env values are scanned for both ways, never injected", async () => {
  const held = `db-${crypto.randomUUID()}`;
  await using bed = await startBed(ROUTES, { env: { ...ENV, EGRESS_KNOWN_SECRET_1: held } });
  const out = await curl(bed, "https://api.test/up", ["--data-binary", `pw=${btoa(held)}`]);
  assert.equal(out.status, 403, out.body);
  assert.equal(rule(out.body), "dlp_outbound");
  assert.equal(bed.seen.length, 0);
  bed.setHandler(() => new Response(`leaked: ${held}`));
  const echoed = await curl(bed, "https://api.test/page");
  assert.equal(echoed.status, 200);
  assert.ok(!echoed.body.includes(held.slice(3)), echoed.body);
  assert.ok(!JSON.stringify(bed.seen).includes(held), "egress never sends it on its own");
});

Deno.test("every token slot the sidecar holds is a known secret, even one no live route names", async () => {
  // A route the operator dropped at a reload: its token was injected before, so the agent's
  // traffic may have carried it; it stays a secret to catch, in every encoding.
  const dropped = `slot-${crypto.randomUUID().replaceAll("-", "")}`;
  await using bed = await startBed(ROUTES, {
    env: { ...ENV, EGRESS_TOKEN_9: dropped, EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "30" },
  });
  const out = await curl(bed, "https://api.test/up", ["--data-binary", `k=${btoa(dropped)}`]);
  assert.equal(out.status, 403, out.body);
  assert.equal(rule(out.body), "dlp_outbound");
  assert.equal(bed.seen.length, 0);
  // A setting that shares the prefix is no secret: a number like it is not scanned for.
  const plain = await curl(bed, "https://api.test/up", ["--data-binary", "timeout=30"]);
  assert.equal(plain.status, 200, plain.body);
});
