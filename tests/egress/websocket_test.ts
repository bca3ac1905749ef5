/**
 * A WebSocket through a CONNECT tunnel: the proxy relays the upgrade to an allowed origin and
 * then passes frames both ways (SPEC §6.1; frames are not scanned, see README "Limits").
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import tls from "node:tls";
import { openTunnel, startBed } from "./_harness.ts";

// WebSocket frames are not scanned yet, so only a route with DLP off in both directions allows
// the upgrade; other.test keeps the default detectors.
const ROUTES = `routes:
  - host: api.test
    dlp:
      outbound_detectors: false
      inbound_detectors: false
  - host: other.test
`;

/** A masked client text frame (payload under 126 bytes). */
function clientTextFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = randomBytes(4);
  const masked = payload.map((byte, i) => byte ^ mask[i % 4]!);
  return Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, masked]);
}

/** Collects bytes from a socket and hands them out as they are asked for. */
function byteQueue(socket: tls.TLSSocket): (until: (buf: Buffer) => number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let wake: (() => void) | undefined;
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  socket.on("close", () => wake?.());
  return async (until) => {
    while (true) {
      const size = until(buffered);
      if (size > 0) {
        const out = buffered.subarray(0, size);
        buffered = buffered.subarray(size);
        return out;
      }
      if (socket.destroyed) throw new Error(`closed; got ${JSON.stringify(String(buffered))}`);
      await new Promise<void>((resolve) => (wake = resolve));
    }
  };
}

async function upgradeThrough(bed: Awaited<ReturnType<typeof startBed>>, host: string) {
  const secure = await openTunnel(bed, host);
  secure.write(
    `GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}\r\n` +
      "Sec-WebSocket-Version: 13\r\n\r\n",
  );
  return secure;
}

Deno.test("egress proxy refuses a WebSocket upgrade on a route whose DLP would be bypassed", async () => {
  await using bed = await startBed(ROUTES);
  const secure = await upgradeThrough(bed, "other.test");
  let answer = "";
  for await (const chunk of secure) answer += String(chunk);
  assert.match(answer, /^HTTP\/1\.1 403 /);
  assert.match(answer, /"rule":"upgrade"/);
  assert.match(answer, /cannot be scanned/);
  assert.equal(bed.seen.length, 0, "the origin never saw the upgrade request");
});

Deno.test("egress proxy relays a WebSocket upgrade and its frames through a tunnel", async () => {
  await using bed = await startBed(ROUTES);
  bed.setHandler((req) => {
    if (req.headers.get("upgrade") !== "websocket") return undefined;
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = (event) => socket.send(`echo:${event.data}`);
    return response;
  });
  const secure = await upgradeThrough(bed, "api.test");
  const take = byteQueue(secure);
  try {
    const head = String(
      await take((buf) => {
        const end = buf.indexOf("\r\n\r\n");
        return end < 0 ? 0 : end + 4;
      }),
    );
    assert.match(head, /^HTTP\/1\.1 101 /, head);
    assert.match(head, /^upgrade: websocket\r$/im);

    secure.write(clientTextFrame("hello"));
    const frame = await take((
      buf,
    ) => (buf.length >= 2 && buf.length >= 2 + buf[1]! ? 2 + buf[1]! : 0));
    assert.equal(frame[0], 0x81, "an unfragmented text frame");
    assert.equal(String(frame.subarray(2)), "echo:hello");
  } finally {
    secure.destroy();
  }
});
