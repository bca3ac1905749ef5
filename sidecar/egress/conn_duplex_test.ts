import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { ConnDuplex } from "./_conn_duplex.ts";
import { closeQuietly, writeAll } from "./_conn_io.ts";
import { Turns } from "./_turns.ts";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

/** A connected loopback pair: the far end as a client connection's duplex. */
async function pair(): Promise<
  { near: Deno.TcpConn; far: ConnDuplex; [Symbol.asyncDispose](): Promise<void> }
> {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const [near, accepted] = await Promise.all([
    Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port }),
    listener.accept(),
  ]);
  const far = new ConnDuplex(accepted, { turns: new Turns() });
  return {
    near,
    far,
    async [Symbol.asyncDispose]() {
      far.destroy();
      closeQuietly(near);
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

Deno.test("a client connection delivers every byte in order, small writes and bursts alike", async () => {
  await using ends = await pair();
  const received: Uint8Array[] = [];
  const ended = new Promise<void>((resolve) => ends.far.on("end", resolve));
  ends.far.on("data", (chunk: Uint8Array) => received.push(chunk));
  // Sizes around both read sizes: small ones leave it drained, bursts need full reads.
  const sizes = [100, 3, 100_000, 2048, 2049, 16 * 1024, 7, 300_000, 1];
  const sent: Uint8Array[] = [];
  let seed = 1;
  for (const size of sizes) {
    const bytes = new Uint8Array(size).map(() => (seed = (seed * 48271) % 2147483647) & 0xff);
    sent.push(bytes);
    await writeAll(ends.near, bytes);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await ends.near.closeWrite();
  await ended;
  assert.deepEqual(Buffer.concat(received), Buffer.concat(sent));
});

Deno.test("a client's TLS upload is read a whole record at a time, with no small reads between", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ca = await loadOrCreateCa(dir);
    const leaf = await ca.issueLeaf("upload.test");
    using listener = Deno.listenTls({
      hostname: "127.0.0.1",
      port: 0,
      cert: leaf.certPem,
      key: leaf.keyPem,
    });
    const [client, server] = await Promise.all([
      Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port })
        .then((tcp) => Deno.startTls(tcp, { hostname: "upload.test", caCerts: [ca.certPem] })),
      listener.accept(),
    ]);
    // The connection as it is, but for a note of the size each read asks for.
    const asked: number[] = [];
    const spied = new Proxy(server, {
      get(target, key) {
        if (key === "read") {
          return (buffer: Uint8Array) => {
            asked.push(buffer.length);
            return target.read(buffer);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const duplex = new ConnDuplex(spied, { turns: new Turns() });
    const received: Uint8Array[] = [];
    const ended = new Promise<void>((resolve) => duplex.on("end", resolve));
    duplex.on("data", (chunk: Uint8Array) => received.push(chunk));
    const body = new Uint8Array(1024 * 1024).map((_, i) => i * 7);
    await writeAll(client, body);
    await client.closeWrite();
    await ended;
    duplex.destroy();
    client.close();
    assert.deepEqual(Buffer.concat(received), Buffer.from(body));
    // The first read is a small one (nothing had come yet); from then on, whole records.
    const small = asked.slice(1, -1).filter((size) => size < 16 * 1024).length;
    assert.equal(small, 0, `${small} small reads among ${asked.length}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("release() hands back the connection with every byte read and not yet consumed", async () => {
  await using ends = await pair();
  ends.far.on("data", () => {});
  ends.far.pause();
  await writeAll(ends.near, new TextEncoder().encode("hello"));
  const released = await ends.far.release(AbortSignal.timeout(1_000));
  assert.ok(released !== undefined);
  const more = new Uint8Array(16);
  await writeAll(ends.near, new TextEncoder().encode(" world"));
  const n = await released.conn.read(more);
  assert.equal(
    new TextDecoder().decode(released.buffered) + new TextDecoder().decode(more.subarray(0, n!)),
    "hello world",
  );
  released.conn.close();
});

Deno.test("release() gives up on a peer that sends nothing, and closes its connection", async () => {
  await using ends = await pair();
  // Flowing, then paused: a read is in flight, waiting for the peer, as after a CONNECT.
  ends.far.on("data", () => {});
  await new Promise((resolve) => setTimeout(resolve, 10));
  ends.far.pause();
  const started = performance.now();
  assert.equal(await ends.far.release(AbortSignal.timeout(200)), undefined);
  assert.ok(performance.now() - started >= 190, "not before its time");
  assert.equal(await ends.near.read(new Uint8Array(16)), null, "the peer sees the close");
});

Deno.test("release() lets every queued write reach the connection first", async () => {
  await using ends = await pair();
  // A write in flight (the peer is not reading yet), and a short one queued behind it.
  const big = new Uint8Array(8 * 1024 * 1024).fill(7);
  ends.far.write(big);
  ends.far.write(new TextEncoder().encode("200"));
  // Once handed back, the connection is closed: the peer reads what reached it, then the end.
  const releasing = ends.far.release(AbortSignal.timeout(5_000)).then((released) => {
    released?.conn.close();
    return released;
  });
  const received: number[] = [];
  const buffer = new Uint8Array(64 * 1024);
  for (let n = await ends.near.read(buffer); n !== null; n = await ends.near.read(buffer)) {
    for (let i = 0; i < n; i++) received.push(buffer[i]!);
  }
  assert.ok((await releasing) !== undefined);
  assert.equal(received.length, big.length + 3);
  assert.equal(new TextDecoder().decode(new Uint8Array(received.slice(-3))), "200");
});
