/**
 * The git gate daemon, fuzzed (a small run of `deno task fuzz git`): malformed smart-HTTP requests
 * get an answer in time, never an unexplained 500, and the daemon survives with flat memory.
 */
import { assertClean } from "./_assert.ts";
import { runFuzz } from "./_runner.ts";
import { gitTarget } from "./_target_git.ts";

Deno.test("the git gate daemon survives 40 malformed smart-HTTP requests", async () => {
  assertClean(await runFuzz(gitTarget, { seed: 0x17, cases: 40 }), ["200", "400", "404", "502"]);
});
