/**
 * The refusals that close ways around the scanners, seen by real clients.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { writeResponse } from "../../core/queue/mod.ts";
import { curl, startBed } from "./_harness.ts";

const TOKEN_A = ["ghp", "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"].join("_");
const TOKEN_B = ["ghp", "Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2"].join("_");
const ROUTES = `
routes:
  - host: api.test
    outbound_on_match: block
    auth:
      scheme: Bearer
      token_ref: API_TOKEN
  - host: redact.test
    outbound_on_match: redact
  - host: other.test
    matches:
      - paths:
          - type: prefix
            value: /repos/team/
`;

function rule(body: string): string {
  return JSON.parse(body).rule;
}

Deno.test("egress proxy never sends an injected credential over plain http", async () => {
  await using bed = await startBed(ROUTES, { env: { API_TOKEN: "real-token-value-123456789" } });
  const result = await curl(bed, "http://api.test/x");
  assert.equal(result.status, 403);
  assert.equal(rule(result.body), "plaintext_auth");
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy refuses a compressed request body it cannot scan", async () => {
  await using bed = await startBed(ROUTES);
  const gz = `${bed.dir}/body.gz`;
  await Deno.writeFile(gz, gzipSync(`token=${TOKEN_A}`));
  const result = await curl(bed, "https://redact.test/up", [
    "-H",
    "Content-Encoding: gzip",
    "--data-binary",
    `@${gz}`,
  ]);
  assert.equal(result.status, 403);
  assert.equal(rule(result.body), "unscannable_body");
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress proxy allows only the scheme's standard port", async () => {
  await using bed = await startBed(ROUTES);
  const result = await curl(bed, "https://other.test:8443/repos/team/x");
  assert.equal(result.status, 403);
  assert.equal(rule(result.body), "port_not_allowed");
});

Deno.test("egress proxy answers Expect: 100-continue and forwards the body", async () => {
  await using bed = await startBed(ROUTES);
  const result = await curl(bed, "https://redact.test/up", [
    "-v",
    "-H",
    "Expect: 100-continue",
    "--data-binary",
    "plain body",
  ]);
  assert.equal(result.status, 200, result.body);
  assert.equal(bed.seen[0]?.body, "plain body");
  assert.equal(bed.seen[0]?.headers.expect, undefined, "Expect is answered by the proxy");
  // curl sends the body after its 1 s Expect timeout anyway: only the interim answer shows.
  assert.match(result.stderr, /^< HTTP\/1\.1 100 Continue\r?$/m, "the proxy sent no 100 Continue");
});

Deno.test("egress proxy sends an HTTP/1.0 client a close-delimited body", async () => {
  await using bed = await startBed(ROUTES);
  bed.setHandler(() =>
    new Response(new Uint8Array(gzipSync("decoded for an old client")), {
      headers: { "content-encoding": "gzip" },
    })
  );
  const socket = net.connect({ host: "127.0.0.1", port: bed.proxy.port });
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write("GET http://other.test/repos/team/x HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n");
  let answer = "";
  for await (const chunk of socket) answer += String(chunk);
  assert.match(answer, /^HTTP\/1\.1 200 /);
  assert.doesNotMatch(answer, /transfer-encoding: chunked/i);
  assert.ok(answer.endsWith("\r\n\r\ndecoded for an old client"), answer);
});

Deno.test("egress DLP redacts a token the origin would decode from escapes, next to a plain one", async () => {
  await using bed = await startBed(ROUTES);
  const encodedB = `%67${TOKEN_B.slice(1)}`;
  const url = await curl(bed, `https://redact.test/q?a=${TOKEN_A}&b=${encodedB}`);
  assert.equal(url.status, 200, url.body);
  const jsonB = `\\u0067${TOKEN_B.slice(1)}`;
  // No Content-Type: the origin decodes escapes whatever the declared type.
  const body = `a=${TOKEN_A}&b=${encodedB}&c=${jsonB}`;
  const form = await curl(bed, "https://redact.test/form", [
    "-H",
    "Content-Type:",
    "--data-binary",
    body,
  ]);
  assert.equal(form.status, 200, form.body);
  assert.equal(bed.seen.length, 2);
  const sent = JSON.stringify(bed.seen);
  for (const leaked of [TOKEN_A, TOKEN_B.slice(1), encodedB]) {
    assert.ok(!sent.includes(leaked), `the origin saw ${leaked}: ${sent}`);
  }
  assert.equal(bed.seen[1]!.body.length, body.length, "body redaction keeps the length");
});

Deno.test("egress DLP scans a large form body as it streams, to its last byte", async () => {
  await using bed = await startBed(ROUTES, { env: { API_TOKEN: "real-token-value-123456789" } });
  const big = `${bed.dir}/big.txt`;
  await Deno.writeTextFile(big, `a=${"x".repeat(2 * 1024 * 1024)}&t=%67${TOKEN_B.slice(1)}`);
  const result = await curl(bed, "https://api.test/form", ["--data-binary", `@${big}`]);
  assert.equal(result.status, 403, result.body);
  assert.equal(rule(result.body), "dlp_outbound");
  assert.ok(!JSON.stringify(bed.seen).includes(TOKEN_B.slice(1)), "the origin saw the token");
  await Deno.writeTextFile(big, `a=${"y".repeat(3e6)}`);
  const ok = await curl(bed, "https://api.test/form", ["--data-binary", `@${big}`]);
  assert.equal(ok.status, 200, ok.body);
});

Deno.test("egress route prefix rules refuse '..;' path segments", async () => {
  await using bed = await startBed(ROUTES);
  assert.equal((await curl(bed, "https://other.test/repos/team/ok")).status, 200);
  const result = await curl(bed, "https://other.test/repos/team/..;/admin", ["--path-as-is"]);
  assert.equal(result.status, 403);
  assert.equal(rule(result.body), "matches");
});

Deno.test("egress supervise remembers an approved body value wherever it appears", async () => {
  const routes = "routes:\n  - host: other.test\n";
  await using bed = await startBed(routes, { queue: { timeoutMs: 10_000 } });
  const queue = `${bed.dir}/queue`;
  const approve = (async () => {
    for (let i = 0; i < 200; i++) {
      const names = await Array.fromAsync(Deno.readDir(queue)).catch(() => []);
      const proposal = names.find((e) => e.name.endsWith(".proposal.json"));
      if (proposal !== undefined) {
        await writeResponse(queue, proposal.name.replace(".proposal.json", ""), {
          status: "approved",
          notes: "fine",
        });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  const first = await curl(bed, "https://other.test/a", ["--data-binary", `x ${TOKEN_A}`]);
  await approve;
  assert.equal(first.status, 200, first.body);
  const moved = await curl(bed, "https://other.test/b", [
    "--data-binary",
    `a much longer prefix before the value ${TOKEN_A} and after`,
  ]);
  assert.equal(moved.status, 200, moved.body);
  const pending = await Array.fromAsync(Deno.readDir(queue));
  assert.ok(pending.every((e) => !e.name.endsWith(".proposal.json")), "no second proposal");
});
