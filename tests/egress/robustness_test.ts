/**
 * Malformed and hostile clients get a 4xx or a closed connection, and the proxy keeps serving.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { curl, startBed } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";

async function rawExchange(port: number, payload: string, waitMs = 5_000): Promise<string> {
  const socket = net.connect({ host: "127.0.0.1", port });
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(payload);
  let out = "";
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve();
    }, waitMs);
    socket.on("data", (d) => (out += String(d)));
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("error", () => {});
  });
  return out;
}

Deno.test("egress proxy answers malformed requests with 4xx and survives", async () => {
  await using bed = await startBed(ROUTES);
  const cases: Array<[string, RegExp]> = [
    ["GARBAGE\r\n\r\n", /^HTTP\/1.1 400/],
    ["GET http://api.test/ HTTP/9.9\r\nHost: api.test\r\n\r\n", /^HTTP\/1.1 (400|505)/],
    [
      `GET http://api.test/ HTTP/1.1\r\nHost: api.test\r\nX-Big: ${"a".repeat(70_000)}\r\n\r\n`,
      /^HTTP\/1.1 431/,
    ],
    [
      "POST http://api.test/ HTTP/1.1\r\nHost: api.test\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nhi\r\n0\r\n\r\n",
      /^HTTP\/1.1 400/,
    ],
    [
      "POST http://api.test/ HTTP/1.1\r\nHost: api.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
      /^HTTP\/1.1 400/,
    ],
    ["CONNECT api.test HTTP/1.1\r\nHost: api.test\r\n\r\n", /^HTTP\/1.1 400/],
    [
      "CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n\x16\x03\x01garbage-not-tls",
      // The tunnel opens; no HTTP follows, at most the TLS listener's fatal alert (seen both
      // ways: rustls sends it at once, or waits for the 26 KB the record header declares).
      // deno-lint-ignore no-control-regex -- a TLS alert record is binary
      /^HTTP\/1.1 200 Connection Established\r\n\r\n(\x15\x03[\x01-\x04]\x00\x02\x02[\s\S])?$/,
    ],
  ];
  for (const [payload, expected] of cases) {
    const answer = await rawExchange(bed.proxy.port, payload);
    assert.match(
      answer,
      expected,
      `${JSON.stringify(payload.slice(0, 60))} got ${JSON.stringify(answer)}`,
    );
  }
  assert.equal((await curl(bed, "https://api.test/still-up")).status, 200);
});
