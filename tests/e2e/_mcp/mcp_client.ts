// deno-lint-ignore-file no-console -- a command-line client prints its result
/**
 * A minimal MCP client, run inside a bottle by the supervise end-to-end test: the official SDK
 * client over streamable HTTP, as an agent's harness would use it. The test bundles this file on
 * the host (the bottle has no registry) and copies the bundle into the agent container.
 *
 *     deno run --allow-net --allow-env mcp_client.js <url> <tool> <json arguments>
 *
 * Prints `{"isError": bool, "text": "…"}` on stdout.
 *
 * @module
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [url, tool, args] = Deno.args;
if (url === undefined || tool === undefined) {
  console.error("usage: mcp_client.js <url> <tool> [json arguments]");
  Deno.exit(2);
}
const client = new Client({ name: "bot-bottle-e2e-agent", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(url)));
try {
  const result = await client.callTool(
    { name: tool, arguments: JSON.parse(args ?? "{}") },
    undefined,
    { timeout: 120_000 },
  );
  const content = (result.content ?? []) as { type: string; text?: string }[];
  const text = content.map((c) => c.text ?? "").join("\n");
  console.log(JSON.stringify({ isError: result.isError === true, text }));
} finally {
  await client.close();
}
