import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spoolBody } from "./_spool.ts";

/** Chunks of an odd size, so they straddle the spool's writes; chunk `i` is all `i % 251`. */
const CHUNK = 64 * 1024 + 7;

Deno.test("spoolBody() writes a 256 MiB body to disk byte for byte, holding none of it in memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-spool-" });
  try {
    const chunks = Math.ceil(256 * 1024 * 1024 / CHUNK);
    let sent = 0;
    let most = 0;
    let counted = 0;
    // A fresh buffer per chunk, as a server hands them over: one kept alive is one not freed.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        most = Math.max(most, Deno.memoryUsage().external);
        if (sent === chunks) return controller.close();
        controller.enqueue(new Uint8Array(CHUNK).fill(sent++ % 251));
      },
    });
    const before = Deno.memoryUsage().external;
    await using spooled = await spoolBody(body, {
      dir,
      maxBytes: chunks * CHUNK,
      signal: new AbortController().signal,
      counted: (bytes) => counted += bytes,
    });
    const grew = (most - before) / 2 ** 20;
    assert.ok(grew < 128, `external memory grew by ${grew.toFixed(0)} MiB while spooling`);
    assert.equal(spooled.bytes, chunks * CHUNK);
    assert.equal(counted, chunks * CHUNK);
    using file = await Deno.open(spooled.path);
    const read = Buffer.alloc(CHUNK);
    const expected = Buffer.alloc(CHUNK);
    for (let i = 0; i < chunks; i++) {
      for (let at = 0; at < CHUNK;) at += (await file.read(read.subarray(at)))!;
      assert.ok(read.equals(expected.fill(i % 251)), `chunk ${i} came back changed`);
    }
    assert.equal(await file.read(read), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
