/**
 * The supervise daemon, fuzzed (a small run of `deno task fuzz mcp`): malformed MCP messages get
 * an answer in time, never a 500, and the daemon survives with flat memory.
 */
import { assertClean } from "./_assert.ts";
import { runFuzz } from "./_runner.ts";
import { mcpTarget } from "./_target_supervise.ts";

Deno.test("the supervise daemon survives 150 malformed MCP requests", async () => {
  assertClean(await runFuzz(mcpTarget, { seed: 0x17, cases: 150 }), ["200", "400", "413"]);
});
