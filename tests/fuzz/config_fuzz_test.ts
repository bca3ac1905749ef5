/**
 * The configuration files, fuzzed (a small run of `deno task fuzz manifests routes providers`):
 * every mutated file loads or is refused with a positioned `ManifestError`, in time.
 */
import { assertClean } from "./_assert.ts";
import { runFuzz } from "./_runner.ts";
import { manifestsTarget, providersTarget, routesTarget } from "./_target_files.ts";

const SEED = 0x17;

Deno.test("mutated manifests load through loadAgent() or are refused at a file:line:col", async () => {
  assertClean(await runFuzz(manifestsTarget, { seed: SEED, cases: 150 }), ["valid", "refused"]);
});

Deno.test("mutated routes files load, write back unchanged and compile, or are refused at a line:col", async () => {
  assertClean(await runFuzz(routesTarget, { seed: SEED, cases: 1_000 }), ["valid", "refused"]);
});

Deno.test("mutated provider files load or are refused at a line:col", async () => {
  assertClean(await runFuzz(providersTarget, { seed: SEED, cases: 1_000 }), ["valid", "refused"]);
});
