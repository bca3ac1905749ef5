/**
 * The egress proxy's routing decisions, seen by real clients (curl, git, a raw TLS client):
 * allowed hosts pass with the injected token, everything else gets the JSON 403.
 */
import assert from "node:assert/strict";
import { curl, openTunnel, run, startBed } from "./_harness.ts";

const ROUTES = `
routes:
  - host: api.test
    auth:
      scheme: Bearer
      token_ref: TEST_API_TOKEN
  - host: other.test
  - host: git.test
    git:
      fetch: true
  - host: localhost
`;
const TOKEN = "real-token-value-0123456789abcdef";

function blockBody(
  body: string,
): { error: string; rule: string; host: string; reason: string; how_to_request: string } {
  return JSON.parse(body);
}

Deno.test("egress proxy forwards an allowed HTTPS request and injects the route's token", async () => {
  await using bed = await startBed(ROUTES, { env: { TEST_API_TOKEN: TOKEN } });
  const result = await curl(bed, "https://api.test/v1/items?x=1", [
    "-H",
    "Authorization: Bearer agent-placeholder",
  ]);
  assert.equal(result.status, 200, result.stderr + result.body);
  assert.deepEqual(JSON.parse(result.body), { ok: true, path: "/v1/items" });
  assert.equal(bed.seen.length, 1);
  assert.equal(bed.seen[0]!.headers.authorization, `Bearer ${TOKEN}`);
  assert.equal(bed.seen[0]!.url.endsWith("/v1/items?x=1"), true);
  assert.ok(bed.logs.every((line) => !line.includes(TOKEN)), "token never logged");
});

Deno.test("egress proxy refuses an unknown host with the JSON 403 and X-Bot-Bottle-Block", async () => {
  await using bed = await startBed(ROUTES, { supervise: true });
  const result = await curl(bed, "https://evil.test/steal", ["-i"]);
  assert.equal(result.status, 403);
  assert.match(result.body, /^x-bot-bottle-block: no_route\r$/im);
  const body = blockBody(result.body.slice(result.body.indexOf("{")));
  assert.equal(body.error, "egress_blocked");
  assert.equal(body.rule, "no_route");
  assert.equal(body.host, "evil.test");
  assert.match(body.reason, /evil\.test/);
  assert.match(body.how_to_request, /egress-allow/);
  assert.equal(bed.seen.length, 0);
  assert.ok(bed.logs.some((line) => line.includes('"no_route"')), "the operator sees it too");
});

Deno.test("egress proxy without supervise tools does not point the agent at them", async () => {
  await using bed = await startBed(ROUTES);
  const result = await curl(bed, "https://evil.test/steal");
  assert.equal(result.status, 403);
  const body = blockBody(result.body);
  assert.doesNotMatch(body.how_to_request, /egress-allow|list-egress-routes/);
  assert.match(body.how_to_request, /bottle's manifest/);
});

Deno.test("egress proxy refuses IP literals and plain-HTTP requests to unknown hosts", async () => {
  await using bed = await startBed(ROUTES);
  const ip = await curl(bed, `https://127.0.0.1:${bed.originPort}/`);
  assert.equal(ip.status, 403);
  assert.equal(bed.seen.length, 0);
  const plain = await curl(bed, "http://evil.test/");
  assert.equal(plain.status, 403);
  assert.equal(blockBody(plain.body).rule, "no_route");
  // An IPv6 literal is refused for what it is (no route), not taken for a malformed host.
  const v6 = await curl(bed, "https://[2001:db8::1]/");
  assert.equal(v6.status, 403);
  assert.equal(blockBody(v6.body).rule, "no_route", v6.body);
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy refuses a Host header that differs from the CONNECT host", async () => {
  await using bed = await startBed(ROUTES);
  const result = await curl(bed, "https://api.test/", ["-H", "Host: other.test"]);
  assert.equal(result.status, 403);
  assert.equal(blockBody(result.body).rule, "fronting");
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy refuses a TLS SNI that differs from the CONNECT host", async () => {
  await using bed = await startBed(ROUTES);
  const secure = await openTunnel(bed, "api.test", "other.test");
  secure.write("GET / HTTP/1.1\r\nHost: api.test\r\nConnection: close\r\n\r\n");
  let response = "";
  for await (const chunk of secure) response += String(chunk);
  assert.match(response, /^HTTP\/1.1 403/);
  assert.match(response, /"rule":"fronting"/);
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy blocks git push over HTTPS and fetch unless the route allows it", async () => {
  await using bed = await startBed(ROUTES);
  const env = {
    HTTPS_PROXY: bed.proxyUrl,
    GIT_SSL_CAINFO: bed.caPath,
    GIT_TERMINAL_PROMPT: "0",
    HOME: bed.dir,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  };
  // git.test has `git.fetch: true`: the fetch discovery request reaches the origin.
  await run("git", ["ls-remote", "https://git.test/repo.git"], { env });
  assert.equal(bed.seen.some((r) => r.url.includes("git-upload-pack")), true, "fetch allowed");
  const repo = `${bed.dir}/work`;
  await run("git", ["init", "-q", repo], { env });
  await run("git", [
    "-C",
    repo,
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@t.test",
    "commit",
    "-q",
    "--allow-empty",
    "-m",
    "x",
  ], { env });
  const pushed = await run(
    "git",
    ["-C", repo, "push", "https://git.test/repo.git", "HEAD:refs/heads/main"],
    { env },
  );
  assert.notEqual(pushed.code, 0);
  assert.match(pushed.stderr, /403/);
  assert.equal(bed.seen.some((r) => r.url.includes("receive-pack")), false, "push never forwarded");
  const other = await run("git", ["ls-remote", "https://other.test/repo.git"], { env });
  assert.match(other.stderr, /403/);
  assert.equal(bed.seen.some((r) => r.url.includes("other.test")), false);
});

Deno.test("egress proxy refuses a route whose host resolves to loopback", async () => {
  await using bed = await startBed(ROUTES);
  const result = await curl(bed, "https://localhost/");
  assert.equal(result.status, 403);
  assert.match(blockBody(result.body).reason, /127\.0\.0\.1|loopback/);
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy introspection lists routes without token values", async () => {
  await using bed = await startBed(ROUTES, { env: { TEST_API_TOKEN: TOKEN } });
  const result = await curl(bed, "http://_egress.local/allowlist");
  assert.equal(result.status, 200);
  assert.match(result.body, /api\.test/);
  assert.match(result.body, /TEST_API_TOKEN/);
  assert.doesNotMatch(result.body, new RegExp(TOKEN));
});

Deno.test("egress proxy reload keeps the old routes when the new file is broken", async () => {
  await using bed = await startBed(ROUTES);
  await Deno.writeTextFile(bed.routesPath, "routes:\n  - host: new.test\n    bogus: 1\n");
  const broken = await bed.proxy.reload();
  assert.equal(broken.ok, false);
  assert.equal((await curl(bed, "https://other.test/")).status, 200);
  assert.ok(bed.logs.some((line) => line.includes("reload_failed")));
  await Deno.writeTextFile(bed.routesPath, "routes:\n  - host: api.test\n");
  assert.deepEqual(await bed.proxy.reload(), { ok: true });
  assert.equal((await curl(bed, "https://other.test/")).status, 403);
  assert.equal((await curl(bed, "https://api.test/")).status, 200);
});
