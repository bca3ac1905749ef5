/**
 * The proxy-wide budget for request-body read-ahead (issue 19). Within it, a request body is
 * scanned before any upstream connection opens, so a secret 200 KiB in never leaves a half-sent
 * request upstream. With it spent the body streams: the origin sees the head and the clean start,
 * never a byte of the secret, and the client still gets its 403. Such a body cannot be sent
 * again, so it never rides a pooled connection the origin may have closed.
 */
import assert from "node:assert/strict";
import net from "node:net";
import { join } from "node:path";
import { type Bed, curl, startBed } from "./_harness.ts";

const ROUTES = `
routes:
  - host: api.test
    outbound_on_match: block
`;

const GITHUB_TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
/** 200 KiB of harmless text, then a token. */
const LEAKY = "x".repeat(200 * 1024) + `\ntoken=${GITHUB_TOKEN}\n`;

/**
 * A plain origin that answers `ok` to each request with a Content-Length body, keeps everything
 * it received, and drops a connection without a word at its request number `maxPerConnection+1`
 * (an idle timeout racing a new request, as the proxy's pool sees it).
 */
async function origin(maxPerConnection = Infinity) {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    const at = received.push("") - 1;
    let pending = "";
    let requests = 0;
    socket.on("error", () => {});
    socket.on("data", (data: Uint8Array) => {
      const text = new TextDecoder("latin1").decode(data);
      received[at] += text;
      pending += text;
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        pending = pending.slice(end + 4 + length);
        if (++requests > maxPerConnection) return void socket.destroy();
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    received,
    connectTo: { "api.test:80": `127.0.0.1:${(server.address() as net.AddressInfo).port}` },
    async [Symbol.asyncDispose]() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** curl arguments sending `body` (from a file in the bed: too long for an argument). */
async function post(bed: Bed, body: string, method = "POST"): Promise<string[]> {
  const file = join(bed.dir, `body-${crypto.randomUUID()}`);
  await Deno.writeTextFile(file, body);
  return ["-X", method, "-H", "content-type: text/plain", "--data-binary", `@${file}`];
}

Deno.test("within the prefetch budget, a body refused 200 KiB in never reaches the origin", async () => {
  await using up = await origin();
  await using bed = await startBed(ROUTES, { connectTo: up.connectTo });
  const got = await curl(bed, "http://api.test/upload", await post(bed, LEAKY));
  assert.equal(got.status, 403, got.body);
  assert.equal(JSON.parse(got.body).rule, "dlp_outbound");
  assert.deepEqual(up.received, [], "no upstream connection was opened");
});

Deno.test("with the prefetch budget spent, the body streams, the secret stays, and the client gets its 403", async () => {
  await using up = await origin();
  await using bed = await startBed(ROUTES, { connectTo: up.connectTo, prefetchBudgetBytes: 0 });
  const got = await curl(bed, "http://api.test/upload", await post(bed, LEAKY));
  assert.equal(got.status, 403, got.body);
  assert.equal(JSON.parse(got.body).rule, "dlp_outbound");
  const sent = up.received.join("");
  assert.match(sent, /^POST \/upload HTTP\/1\.1\r\n/, "the request streamed to the origin");
  assert.ok(!sent.includes("ghp_"), "no byte of the token's start left");
  assert.ok(!sent.includes(GITHUB_TOKEN.slice(-12)), "no byte of the token's end left");
});

Deno.test("each request gives its read-ahead back: a budget for one body refuses the fifth in time too", async () => {
  await using up = await origin();
  await using bed = await startBed(ROUTES, {
    connectTo: up.connectTo,
    prefetchBudgetBytes: 300 * 1024,
  });
  for (let i = 0; i < 4; i++) {
    const got = await curl(bed, "http://api.test/clean", await post(bed, "y".repeat(250 * 1024)));
    assert.equal(got.body, "ok");
  }
  const connections = up.received.length;
  const got = await curl(bed, "http://api.test/upload", await post(bed, LEAKY));
  assert.equal(got.status, 403, got.body);
  assert.ok(!up.received.join("").includes("POST /upload"), "the refused request never left");
  assert.equal(up.received.length, connections);
});

Deno.test("with the prefetch budget spent, a PUT that cannot be sent again takes a fresh connection", async () => {
  // One answer per connection: a PUT sent on the pooled one would be dropped and, with no body
  // kept to resend, become a 502.
  await using up = await origin(1);
  await using bed = await startBed(ROUTES, { connectTo: up.connectTo, prefetchBudgetBytes: 0 });
  assert.equal((await curl(bed, "http://api.test/first")).body, "ok");
  const got = await curl(bed, "http://api.test/file", await post(bed, "hello", "PUT"));
  assert.equal(got.status, 200, got.body);
  assert.equal(got.body, "ok");
  assert.equal(up.received.length, 2);
});
