/**
 * Every request header is scanned, and a credential the proxy strips from the agent's request is
 * still a DLP event (issue 14): on a route that injects its own token, an agent-supplied
 * `Authorization` carrying a detected secret is refused by default (`outbound_on_match: block`)
 * and logged, never silently dropped; on a redact route it is stripped and the redaction logged.
 * Hosts are exact names, so a secret smuggled into a subdomain of an allowed host has no route.
 */
import assert from "node:assert/strict";
import { curl, startBed } from "./_harness.ts";

const ROUTE_TOKEN = "route-token-value-9a8b7c6d5e4f3a2b";
const ROUTES = `
log: 0
routes:
  - host: api.test
    auth:
      scheme: Bearer
      token_ref: HEADER_TEST_TOKEN
  - host: redact.test
    outbound_on_match: redact
    auth:
      scheme: Bearer
      token_ref: HEADER_TEST_TOKEN
`;
const ENV = { HEADER_TEST_TOKEN: ROUTE_TOKEN };
const LEAKED = ["ghp", "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5N"].join("_");

interface Line {
  kind: string;
  rule?: string;
  detector?: string;
  location?: string;
}

function lines(logs: readonly string[]): Line[] {
  for (const line of logs) assert.ok(!line.includes(LEAKED), `the secret reached the log: ${line}`);
  return logs.map((line) => JSON.parse(line));
}

Deno.test("an agent's Authorization carrying a token is refused and logged, not stripped silently", async () => {
  await using bed = await startBed(ROUTES, { env: ENV, logLevel: 0 });
  const result = await curl(bed, "https://api.test/x", ["-H", `Authorization: token ${LEAKED}`]);
  assert.equal(result.status, 403, result.body);
  assert.equal(JSON.parse(result.body).rule, "dlp_outbound");
  assert.doesNotMatch(result.body, new RegExp(LEAKED));
  assert.equal(bed.seen.length, 0, "the origin saw nothing");
  const block = lines(bed.logs).find((l) => l.kind === "block");
  assert.deepEqual(
    [block?.rule, block?.detector, block?.location],
    ["dlp_outbound", "token_patterns", "header:authorization (stripped)"],
  );
});

Deno.test("an agent's harmless Authorization is replaced by the route's token without an event", async () => {
  await using bed = await startBed(ROUTES, { env: ENV, logLevel: 0 });
  const result = await curl(bed, "https://api.test/x", ["-H", "Authorization: Bearer placeholder"]);
  assert.equal(result.status, 200, result.body);
  assert.equal(bed.seen[0]?.headers.authorization, `Bearer ${ROUTE_TOKEN}`);
  assert.deepEqual(lines(bed.logs).filter((l) => l.kind !== "info"), []);
});

Deno.test("on a redact route the stripped credential is a logged redaction", async () => {
  await using bed = await startBed(ROUTES, { env: ENV, logLevel: 0 });
  const result = await curl(bed, "https://redact.test/x", [
    "-H",
    `Proxy-Note: ${LEAKED}`,
    "-H",
    `Authorization: Bearer ${LEAKED}`,
  ]);
  assert.equal(result.status, 200, result.body);
  const seen = JSON.stringify(bed.seen[0]?.headers);
  assert.doesNotMatch(seen, new RegExp(LEAKED), "the origin never sees the secret");
  assert.equal(bed.seen[0]?.headers.authorization, `Bearer ${ROUTE_TOKEN}`);
  const redactions = lines(bed.logs).filter((l) => l.kind === "redact");
  assert.deepEqual(
    redactions.map((l) => [l.detector, l.location]).sort(),
    [
      ["token_patterns", "header:authorization (stripped)"],
      ["token_patterns", "header:proxy-note"],
    ],
  );
});

Deno.test("a secret in a subdomain of an allowed host has no route (hosts are exact)", async () => {
  await using bed = await startBed(ROUTES, { env: ENV, logLevel: 0 });
  const label = "c2VjcmV0LXZhbHVlLTEyMzQ1Njc4OTA";
  const result = await curl(bed, `https://${label}.api.test/x`);
  assert.equal(result.status, 403, result.body);
  assert.equal(JSON.parse(result.body).rule, "no_route");
  assert.equal(bed.seen.length, 0);
  assert.ok(lines(bed.logs).some((l) => l.kind === "block" && l.rule === "no_route"));
});
