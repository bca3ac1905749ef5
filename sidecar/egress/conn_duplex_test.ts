import { Buffer } from "node:buffer";
import assert from "node:assert/strict";
import { ConnDuplex } from "./_conn_duplex.ts";
import { Turns } from "./_turns.ts";

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
      try {
        near.close();
      } catch {
        // Closed by the test.
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
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
