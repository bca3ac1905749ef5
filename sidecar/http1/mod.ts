/**
 * A strict, streaming HTTP/1.1 codec for the egress proxy, over any `Duplex` socket (`net.Socket`,
 * `tls.TLSSocket`): the proxy reads requests from the agent and writes responses back, writes
 * requests to the upstream and reads its responses. Bodies stream chunk by chunk; nothing is
 * buffered whole.
 *
 * Why not `node:http`: under Deno it cannot serve sockets we wrapped in TLS ourselves. Why so
 * strict: the proxy sits between an untrusted agent and real servers, so any message two parsers
 * could frame differently (request smuggling) is rejected with an {@link HttpParseError} that
 * carries the status to answer with.
 *
 * @module
 * @example
 * ```ts
 * import net from "node:net";
 * import { Http1Reader, Http1Writer, HeaderList, keepAlive } from "./mod.ts";
 *
 * const server = net.createServer(async (socket) => {
 *   const reader = new Http1Reader(socket, { idleTimeoutMs: 5_000 });
 *   const writer = new Http1Writer(socket);
 *   for (let req = await reader.readRequestHead(); req; req = await reader.readRequestHead()) {
 *     let size = 0;
 *     for await (const chunk of reader.body()) size += chunk.length;
 *     const body = new TextEncoder().encode(`${req.method} ${req.target}: ${size} bytes\n`);
 *     const headers = new HeaderList([["Content-Type", "text/plain"]]);
 *     writer.writeResponseHead({ status: 200, reason: "OK", version: "HTTP/1.1", headers }, {
 *       kind: "length",
 *       length: body.length,
 *     });
 *     await writer.write(body);
 *     await writer.end();
 *     if (!keepAlive(req)) break;
 *   }
 *   socket.end();
 * });
 * server.close();
 * ```
 */
export { HeaderList } from "./header_list.ts";
export { Http1Reader } from "./http1_reader.ts";
export { Http1Writer } from "./http1_writer.ts";
export { READ_AHEAD_BYTES, READ_AHEAD_FLOOR, READ_AHEAD_MARK, ReadAhead } from "./read_ahead.ts";
export { HttpParseError } from "./http_parse_error.ts";
export type { HttpParseErrorCode, HttpParseErrorOptions } from "./http_parse_error.ts";
export { requestFraming, responseFraming } from "./framing.ts";
export { keepAlive, stripHopByHop } from "./hop_by_hop.ts";
export type { PersistenceInfo, StripOptions } from "./hop_by_hop.ts";
export { DEFAULT_LIMITS } from "./types.ts";
export type {
  Framing,
  HttpVersion,
  Limits,
  ParsedRequest,
  ParsedResponse,
  RequestHead,
  ResponseHead,
} from "./types.ts";
