// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Benchmark origin: an HTTPS server on loopback. `GET /small` → 64-byte body, `GET /big?mb=N` →
 * N MiB of text, `POST /upload` → consumes the body and answers its length, `GET /hang` → never
 * answers (an upstream the proxy's response timeout must cut). Prints its port, then
 * on a second line the port of the upload server (`_upload_origin.ts`), which takes large chunked
 * uploads at full speed or at a given rate.
 * Usage: deno run -A _origin.ts <cert.pem> <key.pem>
 */
import { serveUploads } from "./_upload_origin.ts";

const [certFile, keyFile] = Deno.args;
const cert = await Deno.readTextFile(certFile!);
const key = await Deno.readTextFile(keyFile!);
const small = new TextEncoder().encode("x".repeat(63) + "\n");
const block = new TextEncoder().encode(
  "lorem ipsum dolor sit amet consectetur adipiscing elit\n".repeat(1200),
);
const server = Deno.serve({
  hostname: "127.0.0.1",
  port: 0,
  cert,
  key,
  onListen: ({ port }) => console.log(port),
}, async (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/small") return new Response(small);
  if (url.pathname === "/big") {
    const total = Number(url.searchParams.get("mb") ?? "50") * 1024 * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const n = Math.min(block.length, total - sent);
        if (n <= 0) return controller.close();
        controller.enqueue(n === block.length ? block : block.subarray(0, n));
        sent += n;
      },
    });
    return new Response(body, { headers: { "content-length": String(total) } });
  }
  if (url.pathname === "/hang") return new Promise<Response>(() => {});
  if (url.pathname === "/upload") {
    let n = 0;
    for await (const chunk of req.body!) n += chunk.length;
    return new Response(String(n));
  }
  return new Response("not found", { status: 404 });
});
const uploads = await serveUploads({ cert, key });
console.log(uploads.port);
await server.finished;
