/**
 * The HTTP side: one Hono app serving MCP's streamable HTTP transport at `/mcp`. The transport is
 * stateless (a fresh server and transport per POST), so nothing of one agent request lives on in
 * the process, and JSON responses (not SSE) so that a request is over when its answer is sent.
 * GET (server-initiated streams) and DELETE (sessions) have nothing to serve and answer 405.
 */
import { Hono } from "hono";
// The SDK's `exports` map sends `*.js` subpaths to `*.js.d.ts`, which does not exist: without
// these hints Deno types the SDK as `any`.
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { admission, type AdmissionLimits } from "./_admission.ts";
import { registerTools, type ToolContext } from "./_tools.ts";

/** Options of {@link createApp}. */
export interface AppOptions {
  /** What the tools need. */
  tools: ToolContext;
  /** Body cap (413), shared body budget and concurrent requests (503), before anything is parsed. */
  limits: AdmissionLimits;
  /** The version reported to MCP clients. */
  version: string;
}

/**
 * Build the supervise app.
 *
 * @param options Tool context, admission limits, version.
 * @returns The Hono app.
 */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  app.post(
    "/mcp",
    admission(options.limits, (c, status, message) => c.json(rpcError(message), status)),
    async (c) => {
      const server = new McpServer({ name: "bot-bottle-supervise", version: options.version });
      registerTools(server, options.tools);
      // No sessionIdGenerator: stateless.
      const transport = new WebStandardStreamableHTTPServerTransport({ enableJsonResponse: true });
      await server.connect(transport);
      try {
        return await transport.handleRequest(c.req.raw);
      } finally {
        await server.close();
      }
    },
  );
  app.on(["GET", "DELETE"], "/mcp", (c) => {
    c.header("Allow", "POST");
    return c.json(rpcError("Method not allowed: this server answers POST only"), 405);
  });
  return app;
}

function rpcError(message: string): Record<string, unknown> {
  return { jsonrpc: "2.0", error: { code: -32000, message }, id: null };
}
