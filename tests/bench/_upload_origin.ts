/**
 * The benchmark origin's upload side: an HTTPS server (`node:tls` and the proxy's own HTTP/1.1
 * codec) that reads a request body and throws it away, answering its length. `Deno.serve` is not
 * used here: it takes a chunked body framed in chunks of about 10 KiB (what the proxy sends)
 * slower and slower as it goes (64 MiB in 3 s, then 192 MiB after 58 s, Deno 2.9), so a 1 GiB
 * upload through the proxy never finished. `POST /upload?mbps=N` reads at N MB/s (10^6 bytes), a
 * slow upstream the proxy must push back on its client for.
 */
import tls from "node:tls";
import { HeaderList, Http1Reader, Http1Writer, keepAlive } from "../../sidecar/http1/mod.ts";

/**
 * Listen on a free loopback port.
 *
 * @param pem The server's certificate and key.
 * @returns The server and its port.
 */
export async function serveUploads(
  pem: { cert: string; key: string },
): Promise<{ server: tls.Server; port: number }> {
  const server = tls.createServer(pem, (socket) => {
    socket.on("error", () => socket.destroy());
    void answer(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Answer each request on one connection: a drained upload's length, or 404. */
async function answer(socket: tls.TLSSocket): Promise<void> {
  const reader = new Http1Reader(socket);
  const writer = new Http1Writer(socket);
  for (let req = await reader.readRequestHead(); req; req = await reader.readRequestHead()) {
    const url = new URL(req.target, "https://bench.test");
    const found = req.method === "POST" && url.pathname === "/upload";
    const mbps = Number(url.searchParams.get("mbps") ?? "0");
    const started = performance.now();
    let bytes = 0;
    for await (const chunk of reader.body()) {
      bytes += chunk.length;
      // Ahead of the pace: wait until the bytes read so far are due.
      const due = mbps > 0 ? bytes / (mbps * 1000) - (performance.now() - started) : 0;
      if (due > 1) await new Promise((resolve) => setTimeout(resolve, due));
    }
    const text = new TextEncoder().encode(found ? String(bytes) : "not found");
    writer.writeResponseHead({
      status: found ? 200 : 404,
      reason: found ? "OK" : "Not Found",
      version: "HTTP/1.1",
      headers: new HeaderList([["Content-Type", "text/plain"]]),
    }, { kind: "length", length: text.length });
    await writer.write(text);
    await writer.end();
    if (!keepAlive(req)) break;
  }
  socket.end();
}
