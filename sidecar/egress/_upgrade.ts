/**
 * WebSocket (and other `Upgrade`) pass-through: after the upstream answers 101, the proxy relays
 * the two byte streams as they are. Frames are not scanned (see README "Limits").
 */
import type { Duplex } from "node:stream";
import type { Http1Reader, Http1Writer, ParsedResponse } from "../http1/mod.ts";
import { stripHopByHop } from "../http1/mod.ts";

/**
 * Send the 101 to the client and splice the sockets together until either side closes.
 *
 * @param response The upstream's 101 head.
 * @param client Client codec.
 * @param upstream Upstream codec.
 */
export async function pipeUpgrade(
  response: ParsedResponse,
  client: { reader: Http1Reader; writer: Http1Writer; socket: Duplex },
  upstream: { reader: Http1Reader; socket: Duplex },
): Promise<void> {
  const headers = stripHopByHop(response.headers, { keepUpgrade: true });
  client.writer.writeResponseHead(
    { status: 101, reason: response.reason, version: "HTTP/1.1", headers },
    { kind: "none" },
  );
  await client.writer.end();
  const down = upstream.reader.detach();
  const up = client.reader.detach();
  if (down.buffered.length > 0) up.socket.write(down.buffered);
  if (up.buffered.length > 0) down.socket.write(up.buffered);
  down.socket.pipe(up.socket);
  up.socket.pipe(down.socket);
  await new Promise<void>((resolve) => {
    const done = () => {
      up.socket.destroy();
      down.socket.destroy();
      resolve();
    };
    up.socket.once("close", done);
    down.socket.once("close", done);
    up.socket.once("error", done);
    down.socket.once("error", done);
  });
}
