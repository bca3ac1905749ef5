/**
 * A request head the outbound scan found clean is not scanned again when it comes back verbatim
 * (`sidecar/egress/_clean_heads.ts`). What a user must never notice: a head with a finding is
 * refused every time, and a reload that turns a route's detectors on refuses a head that passed
 * before it.
 */
import assert from "node:assert/strict";
import { curl, startBed } from "./_harness.ts";

const LEAKED = ["ghp", "Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz1Xc3Vb5N"].join("_");
const NOTE = ["-H", `X-Note: ${LEAKED}`];

Deno.test("a head with a secret is refused every time it is sent", async () => {
  await using bed = await startBed("log: 0\nroutes:\n  - host: api.test\n", { logLevel: 0 });
  for (let i = 0; i < 3; i++) {
    const result = await curl(bed, "https://api.test/x", NOTE);
    assert.equal(result.status, 403, `attempt ${i}: ${result.body}`);
    assert.equal(JSON.parse(result.body).rule, "dlp_outbound");
  }
  assert.equal(bed.seen.length, 0, "the origin saw nothing");
});

Deno.test("a head that passed with detectors off is refused once a reload turns them on", async () => {
  await using bed = await startBed(
    "log: 0\nroutes:\n  - host: api.test\n    dlp: {outbound_detectors: false}\n",
    { logLevel: 0 },
  );
  for (let i = 0; i < 2; i++) {
    assert.equal((await curl(bed, "https://api.test/x", NOTE)).status, 200, `attempt ${i}`);
  }
  await Deno.writeTextFile(bed.routesPath, "log: 0\nroutes:\n  - host: api.test\n");
  assert.deepEqual(await bed.proxy.reload(), { ok: true });
  const result = await curl(bed, "https://api.test/x", NOTE);
  assert.equal(result.status, 403, result.body);
  assert.equal(JSON.parse(result.body).rule, "dlp_outbound");
  assert.equal(bed.seen.length, 2, "only the requests before the reload reached the origin");
});
