/**
 * How a tunnel's TLS starts: a client that sends its ClientHello in the same packet as the
 * CONNECT (before the proxy's answer) still gets its tunnel, and the bytes the proxy read past the
 * CONNECT head are the start of the handshake.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import { Duplex } from "node:stream";
import tls from "node:tls";
import { startBed } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";

/**
 * A TLS client on `raw` whose reads skip the proxy's answer to the CONNECT, so it can start its
 * handshake before that answer comes.
 */
function afterAnswer(raw: net.Socket): { inner: Duplex; answer: Promise<string> } {
  const { promise: answer, resolve } = Promise.withResolvers<string>();
  let head: Buffer | undefined = Buffer.alloc(0);
  const inner = new Duplex({
    write(chunk, _encoding, callback) {
      raw.write(chunk, callback);
    },
    final(callback) {
      raw.end(callback);
    },
    read() {
      raw.resume();
    },
  });
  raw.on("data", (data: Buffer) => {
    let rest = data;
    if (head !== undefined) {
      head = Buffer.concat([head, data]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      resolve(head.subarray(0, end).toString("latin1"));
      rest = head.subarray(end + 4);
      head = undefined;
    }
    if (rest.length > 0 && !inner.push(rest)) raw.pause();
  });
  raw.on("end", () => inner.push(null));
  raw.on("error", (err) => inner.destroy(err));
  return { inner, answer };
}

Deno.test("a ClientHello sent in the same packet as the CONNECT opens the tunnel all the same", async () => {
  await using bed = await startBed(ROUTES);
  const raw = net.connect({ host: "127.0.0.1", port: bed.proxy.port });
  await new Promise((resolve) => raw.once("connect", resolve));
  // Held back until the ClientHello is written too: one segment, so the proxy reads the start
  // of the handshake together with the CONNECT head.
  raw.cork();
  raw.write("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n");
  const { inner, answer } = afterAnswer(raw);
  const secure = tls.connect({
    socket: inner as net.Socket,
    servername: "api.test",
    ca: bed.caPem,
  });
  secure.on("error", () => {});
  await new Promise((resolve) => setTimeout(resolve, 50));
  raw.uncork();
  assert.match(await answer, /^HTTP\/1.1 200/);
  await new Promise((resolve, reject) => {
    secure.once("secureConnect", resolve);
    secure.once("close", () => reject(new Error("the tunnel closed during its handshake")));
  });
  secure.write("GET /early HTTP/1.1\r\nHost: api.test\r\nConnection: close\r\n\r\n");
  let response = "";
  for await (const chunk of secure) response += String(chunk);
  assert.match(response, /^HTTP\/1.1 200/);
  assert.deepEqual(bed.seen.map((seen) => new URL(seen.url).pathname), ["/early"]);
  raw.destroy();
});
