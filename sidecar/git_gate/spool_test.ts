import assert from "node:assert/strict";
import { spoolBody } from "./_spool.ts";

Deno.test("spoolBody() holds none of a 256 MiB body in memory while it writes it to disk", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-spool-" });
  try {
    const total = 256 * 1024 * 1024;
    let sent = 0;
    let most = 0;
    // A fresh buffer per chunk, as a server hands them over: one kept alive is one not freed.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        most = Math.max(most, Deno.memoryUsage().external);
        if (sent === total) return controller.close();
        controller.enqueue(new Uint8Array(64 * 1024).fill(120));
        sent += 64 * 1024;
      },
    });
    const before = Deno.memoryUsage().external;
    await using spooled = await spoolBody(body, {
      dir,
      maxBytes: total,
      signal: new AbortController().signal,
    });
    assert.equal(spooled.bytes, total);
    assert.equal((await Deno.stat(spooled.path)).size, total);
    const grew = (most - before) / 2 ** 20;
    assert.ok(grew < 128, `external memory grew by ${grew.toFixed(0)} MiB while spooling`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
