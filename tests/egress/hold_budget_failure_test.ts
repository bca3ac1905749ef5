/**
 * With the hold budget spent a response's head is committed with its first body bytes, but the
 * writer sends it only with the first released byte or on the next event-loop turn. An upstream
 * that fails before then must still give the client its JSON 502, not an empty reply.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { curl, startBed } from "./_harness.ts";

const ROUTES = `
routes:
  - host: api.test
`;

/**
 * curl through a proxy with no hold budget to a plain origin that writes `reply` at once to the
 * request, then does `after`.
 */
async function fetchFrom(
  reply: string,
  after: (socket: net.Socket) => void,
): Promise<{ status: number; body: string; stderr: string; code: number }> {
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    socket.once("data", () => socket.write(reply, () => after(socket)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as net.AddressInfo).port;
    await using bed = await startBed(ROUTES, {
      holdBudgetBytes: 0,
      connectTo: { "api.test:80": `127.0.0.1:${port}` },
    });
    return await curl(bed, "http://api.test/page");
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// A few body bytes the scanners hold back, then a chunk size that is no number: the proxy reads
// both at once, so the upstream fails before the committed head can be sent.
const BROKEN = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" +
  "5\r\nhello\r\nzz\r\n\r\n";

Deno.test("with the hold budget spent, an upstream that fails before the head is sent is a JSON 502", async () => {
  const got = await fetchFrom(BROKEN, (socket) => socket.end());
  assert.equal(got.status, 502, `${got.code} ${got.stderr} ${got.body}`);
  assert.equal(JSON.parse(got.body).rule, "upstream_error");
  assert.doesNotMatch(got.body, /hello/);
});

Deno.test("with the hold budget spent, an origin that resets after its head and first bytes gives a 502 or a cut, never a clean 200", async () => {
  const head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nhello";
  const got = await fetchFrom(head, (socket) => socket.resetAndDestroy());
  if (got.status === 502) assert.equal(JSON.parse(got.body).rule, "upstream_error");
  else assert.notEqual(got.code, 0, `curl saw the cut: ${got.status} ${got.body}`);
  assert.doesNotMatch(got.body, /hello/);
});
