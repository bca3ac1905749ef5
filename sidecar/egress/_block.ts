/**
 * The SPEC §6.1 refusal on the wire: a JSON 403 (or the decision's status) with
 * `X-Bot-Bottle-Block`, after which the connection closes.
 */
import { HeaderList, type Http1Writer } from "../http1/mod.ts";
import { blockResponse, type DenyDecision } from "./policy/mod.ts";

/** How this proxy words its refusals. */
export interface RefusalStyle {
  /**
   * Scrubs known secrets from a reason: some reasons quote what an upstream sent (a malformed
   * head, an unknown encoding), and an origin could have put an echoed credential there.
   */
  redact: (text: string) => string;
  /** Whether the agent can ask the operator over the supervise MCP server. */
  supervise: boolean;
}

/**
 * Write the SPEC §6.1 JSON block response and close the exchange.
 *
 * @param writer The client writer.
 * @param decision The deny.
 * @param host The requested host.
 * @param style Redaction of the reason, and whether to point at the supervise tools.
 */
export async function sendBlock(
  writer: Http1Writer,
  decision: DenyDecision,
  host: string,
  style: RefusalStyle,
): Promise<void> {
  const block = blockResponse(
    { ...decision, reason: style.redact(decision.reason) },
    { host },
    { supervise: style.supervise },
  );
  const body = new TextEncoder().encode(block.body);
  const headers = new HeaderList([...block.headers, ["Connection", "close"]]);
  writer.writeResponseHead(
    { status: block.status, reason: "", version: "HTTP/1.1", headers },
    { kind: "length", length: body.length },
  );
  await writer.write(body);
  await writer.end();
}
