/**
 * The egress proxy process, fuzzed (a small run of `deno task fuzz http tls`): malformed requests
 * and TLS records are answered or closed in time, never with an `internal_error`, the process
 * survives and its memory stays flat.
 */
import { assertClean } from "./_assert.ts";
import { runFuzz } from "./_runner.ts";
import { httpTarget, tlsTarget } from "./_target_proxy.ts";

const SEED = 0x17;

Deno.test("egress serve survives 300 malformed HTTP/1.1 requests: 4xx, forwarded, or closed in time", async () => {
  assertClean(await runFuzz(httpTarget, { seed: SEED, cases: 300 }), [
    "400",
    "431",
    "200",
    "closed",
  ]);
});

Deno.test("egress serve survives 300 malformed TLS records in a CONNECT tunnel", async () => {
  assertClean(await runFuzz(tlsTarget, { seed: SEED, cases: 300 }), ["closed", "handshake"]);
});
