/**
 * The three agent-facing tools of SPEC §6.3. Their descriptions are the agent's only manual, so
 * they say how to round-trip `list-egress-routes` → edit → `egress-allow` and what each status
 * means. Proposals are validated before they reach the operator: a routes file that would not load
 * is refused here with its `file:line:col`, never queued.
 */
import { createHash } from "node:crypto";
// Type-only: extensionless, because the SDK's `exports` types `*.js` subpaths as `any`.
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { z } from "zod";
import { ManifestError, messageOf } from "../../core/errors/mod.ts";
import { parseRoutesFile, stringifyRoutesFile } from "../../core/routes/mod.ts";
import { propose, type QueueContext } from "./_proposal.ts";
import { errorResult, textResult } from "./_result.ts";

/** What the tools need: the queue, the live routes file, and the server's stop signal. */
export interface ToolContext extends QueueContext {
  /** The bottle's live routes file (read only). */
  routesFile: string;
  /** Aborted when the server stops: waiting calls then answer `pending`. */
  stopping: AbortSignal;
}

const STATUS_HELP = "The result starts with `status:` approved or modified (applied), pending " +
  "(the operator has not answered yet; the proposal stays queued, do not resubmit it), or an " +
  "error result with status rejected and the operator's reason.";

const JUSTIFICATION = z.string().describe(
  "Why you need this change, for the human operator who decides: the task, the host or tool, " +
    "and what fails without it",
);

/**
 * Register `list-egress-routes`, `egress-allow` and `capability-block` on a server.
 *
 * @param server The MCP server (one per request: the transport is stateless).
 * @param ctx Queue, routes file and stop signal.
 */
export function registerTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool("list-egress-routes", {
    title: "List egress routes",
    description: "Show this bottle's live egress routes file (YAML). Every request leaving the " +
      "bottle must match a route; anything else is blocked with 403. To ask for access, edit " +
      "this YAML and send the whole file to egress-allow. auth.token_ref values are slot names " +
      "(e.g. EGRESS_TOKEN_1), never tokens: keep them as they are.",
  }, async () => {
    const current = await readRoutes(ctx.routesFile);
    if ("problem" in current) return errorResult([current.problem]);
    try {
      return textResult([stringifyRoutesFile(parseRoutesFile(current.text, ctx.routesFile))]);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      return errorResult([`Cannot list egress routes: ${err.message}`]);
    }
  });

  server.registerTool("egress-allow", {
    title: "Ask to change egress routes",
    description: "Ask the human operator to replace this bottle's egress routes. Call " +
      "list-egress-routes, edit the YAML (add a route such as `- host: api.example.com`, " +
      "optionally with `matches: [{paths: [{value: /v1/}], methods: [GET]}]`), and send the " +
      "complete file. The file is validated first; an invalid one is refused with " +
      "routes_yaml:line:col and nothing is queued. Approved routes apply live, without a " +
      `restart: retry the blocked request. ${STATUS_HELP}`,
    inputSchema: {
      routes_yaml: z.string().describe(
        "The complete proposed routes file, same YAML format as list-egress-routes returns " +
          "(top-level `routes:` list, optional `log:`), with your change applied; routes you " +
          "leave out are removed",
      ),
      justification: JUSTIFICATION,
    },
  }, async ({ routes_yaml, justification }, extra) => {
    if (justification.trim() === "") return emptyJustification("egress-allow");
    try {
      parseRoutesFile(routes_yaml, "routes_yaml");
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      return errorResult([`Cannot queue egress-allow: ${err.message}`, "Nothing was queued."]);
    }
    const current = await readRoutes(ctx.routesFile);
    if ("problem" in current && current.missing !== true) return errorResult([current.problem]);
    return await propose(ctx, {
      tool: "egress-allow",
      proposedFile: routes_yaml,
      justification,
      currentFileHash: "text" in current ? sha256(current.text) : "",
      onApproval: "The new routes are live in this bottle now.",
    }, AbortSignal.any([extra.signal, ctx.stopping]));
  });

  server.registerTool("capability-block", {
    title: "Ask to change the bottle image",
    description: "Ask the human operator to change the Dockerfile this bottle is built from " +
      "(a missing tool, package or capability). Send the complete proposed Dockerfile. An " +
      "approved Dockerfile takes effect at the next `bot-bottle resume` of this bottle, not in " +
      `the running one. ${STATUS_HELP}`,
    inputSchema: {
      dockerfile: z.string().describe(
        "The complete proposed Dockerfile (not a diff), including FROM and every existing step " +
          "you want to keep",
      ),
      justification: JUSTIFICATION,
    },
  }, async ({ dockerfile, justification }, extra) => {
    if (dockerfile.trim() === "") {
      return errorResult([
        "Cannot queue capability-block: dockerfile is empty; send the complete proposed Dockerfile",
        "Nothing was queued.",
      ]);
    }
    if (justification.trim() === "") return emptyJustification("capability-block");
    return await propose(ctx, {
      tool: "capability-block",
      proposedFile: dockerfile,
      justification,
      currentFileHash: "",
      onApproval: "The next `bot-bottle resume` of this bottle builds it from this Dockerfile.",
    }, AbortSignal.any([extra.signal, ctx.stopping]));
  });
}

function emptyJustification(tool: string): CallToolResult {
  return errorResult([
    `Cannot queue ${tool}: justification is empty; say why you need the change`,
    "Nothing was queued.",
  ]);
}

type RoutesText = { text: string } | { problem: string; missing?: true };

async function readRoutes(file: string): Promise<RoutesText> {
  try {
    return { text: await Deno.readTextFile(file) };
  } catch (err) {
    const reason = messageOf(err);
    return {
      problem: `Cannot read the egress routes file ${file}: ${reason}`,
      ...(err instanceof Deno.errors.NotFound ? { missing: true as const } : {}),
    };
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
