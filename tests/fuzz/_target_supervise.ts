/**
 * The supervise MCP server's fuzz target, against the real daemon process: mutated JSON-RPC
 * messages (seeds/mcp) in mutated streamable-HTTP requests. Every request must be answered (or
 * its connection closed) within the bound once the client has ended its side, never with a 500,
 * and the daemon must survive. The operator never answers, so a valid proposal waits for the
 * shortest response timeout (1 s) and comes back `pending`.
 */
import { join } from "node:path";
import { daemonBed } from "./_daemon.ts";
import { judgeExchange, statusLabel, unexplained500 } from "./_judge.ts";
import { COMMON_MUTATIONS, type EnvelopeMutation, writeEnvelope } from "./_mutate_envelope.ts";
import { mutateJson } from "./_mutate_json.ts";
import { pick } from "./_random.ts";
import type { Bed, Target } from "./_runner.ts";
import { readSeeds } from "./_seeds.ts";
import { exchange, pickDelivery } from "./_wire.ts";

/** How long a case waits for an answer before ending its side (a proposal waits 1 s for the operator). */
const ANSWER_MS = 3_000;

/** After the client's end, how long the server has (a proposal waits 1 s for the operator). */
const BOUND_MS = 10_000;

const ROUTES = "routes:\n  - host: api.github.com\n    auth:\n      scheme: Bearer\n" +
  "      token_ref: EGRESS_TOKEN_1\n";

const MCP_MUTATIONS: readonly EnvelopeMutation[] = [
  ...COMMON_MUTATIONS,
  (e, r) =>
    void (e.path = pick(
      ["/", "/mcp/", "/MCP", "/mcp?x=1", "/mcp/../mcp", "*", "/%6dcp", "//mcp"],
      r,
    )),
  (e, r) => {
    e.headers = e.headers.filter(([n]) => n !== "Accept");
    e.headers.push(["Accept", pick(["application/json", "text/event-stream", "*/*", ""], r)]);
  },
  (e, r) => {
    e.headers = e.headers.filter(([n]) => n !== "Content-Type");
    e.headers.push([
      "Content-Type",
      pick(["text/plain", "application/json; charset=utf-16", "multipart/form-data", ""], r),
    ]);
  },
  (e, r) =>
    e.headers.push([
      pick(["Mcp-Protocol-Version", "Mcp-Session-Id", "Last-Event-ID"], r),
      pick(["1999-01-01", "", "x".repeat(5_000), "2025-06-18"], r),
    ]),
];

/** Mutated MCP messages. */
export const mcpTarget: Target = {
  name: "mcp",
  concurrency: 8,
  async start(): Promise<Bed> {
    const seeds = await readSeeds("mcp");
    return await daemonBed("supervise", async (dir) => {
      const routesFile = join(dir, "routes.yaml");
      await Deno.writeTextFile(routesFile, ROUTES);
      return {
        BOT_BOTTLE_EGRESS_ROUTES: routesFile,
        BOT_BOTTLE_QUEUE_DIR: join(dir, "queue"),
        BOT_BOTTLE_SLUG: "fuzz",
        BOT_BOTTLE_SUPERVISE_LISTEN: "127.0.0.1:0",
        SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "1",
      };
    }, async (port, r) => {
      const body = r() < 0.9 ? mutateJson(pick(seeds, r), r) : pick(seeds, r);
      const bytes = writeEnvelope(
        {
          method: "POST",
          path: "/mcp",
          headers: [
            ["Host", `127.0.0.1:${port}`],
            ["Content-Type", "application/json"],
            ["Accept", "application/json, text/event-stream"],
          ],
          body: new TextEncoder().encode(body),
        },
        MCP_MUTATIONS,
        r,
      );
      const result = await exchange(port, bytes, {
        delivery: pickDelivery(bytes.length, r),
        boundMs: BOUND_MS,
        awaitAnswerMs: ANSWER_MS,
      });
      const label = statusLabel(result.answer);
      return judgeExchange(bytes, result, { label, untyped: unexplained500() });
    });
  },
};
