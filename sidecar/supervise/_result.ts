/** Tool results as the MCP SDK returns them to the agent: plain text, errors flagged. */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";

/**
 * A successful tool result.
 *
 * @param lines The text, one entry a line.
 * @returns The result.
 */
export function textResult(lines: readonly string[]): CallToolResult {
  return { content: [{ type: "text", text: lines.join("\n") }] };
}

/**
 * A failed tool result: the agent sees the text and `isError: true`.
 *
 * @param lines The text, one entry a line.
 * @returns The result.
 */
export function errorResult(lines: readonly string[]): CallToolResult {
  return { ...textResult(lines), isError: true };
}
