/**
 * Bounded memory (issue 19): the proxy reads from one side only as fast as the other side takes
 * the bytes. Each test stalls or slows one end of a 256 MiB transfer and counts how far the other
 * end got: with backpressure that is a few socket buffers, without it the whole body (held in the
 * proxy). Counting bytes instead of sampling RSS keeps the tests independent of the garbage
 * collector.
 */
import assert from "node:assert/strict";
import { startBed, tunnelTo } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";
const TOTAL = 256 * 1024 * 1024;
/** What the stalled side may let through: socket buffers and the proxy's per-connection budget. */
const BOUND = 48 * 1024 * 1024;
const STALL_MS = 1500;
const CHUNK = new Uint8Array(64 * 1024).fill(0x61);

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.length;) at += await conn.write(bytes.subarray(at));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A 256 MiB response that counts what the proxy pulled from the origin. */
function countedDownload(counter: { pulled: number }): Response {
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= TOTAL) return controller.close();
      counter.pulled += CHUNK.length;
      controller.enqueue(CHUNK);
    },
  });
  return new Response(body, { headers: { "content-length": String(TOTAL) } });
}

Deno.test("a client that stops reading stops the proxy reading from the origin", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0 });
  const counter = { pulled: 0 };
  bed.setRawHandler(() => countedDownload(counter));
  const conn = await tunnelTo(bed);
  try {
    await writeAll(conn, new TextEncoder().encode("GET /big HTTP/1.1\r\nHost: api.test\r\n\r\n"));
    const buffer = new Uint8Array(64 * 1024);
    let read = 0;
    while (read < 1024 * 1024) read += (await conn.read(buffer)) ?? 0;
    await sleep(STALL_MS);
    assert.ok(
      counter.pulled < BOUND,
      `the client read ${read} bytes, then stopped; the proxy pulled ${counter.pulled}`,
    );
    // Reading again lets the rest through: the stall held the transfer, it did not break it.
    const before = counter.pulled;
    const target = read + 2 * BOUND;
    while (read < target) read += (await conn.read(buffer)) ?? 0;
    assert.ok(counter.pulled > before, "the transfer goes on once the client reads");
  } finally {
    conn.close();
  }
});

Deno.test("an origin that stops reading stops the proxy reading from the client", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0 });
  const release = Promise.withResolvers<void>();
  bed.setRawHandler(async (req) => {
    const reader = req.body!.getReader();
    let got = 0;
    while (got < 1024 * 1024) got += (await reader.read()).value?.length ?? 0;
    await release.promise;
    await reader.cancel().catch(() => {});
    return new Response("enough");
  });
  const conn = await tunnelTo(bed);
  const progress = { written: 0, stop: false };
  const writing = (async () => {
    await writeAll(
      conn,
      new TextEncoder().encode(
        `POST /upload HTTP/1.1\r\nHost: api.test\r\nContent-Length: ${TOTAL}\r\n` +
          "Content-Type: application/octet-stream\r\n\r\n",
      ),
    );
    while (!progress.stop && progress.written < TOTAL) {
      await writeAll(conn, CHUNK);
      progress.written += CHUNK.length;
    }
  })().catch(() => {});
  try {
    await sleep(STALL_MS);
    const accepted = progress.written;
    assert.ok(
      accepted < BOUND,
      `the origin read 1 MiB, then stopped; the client wrote ${accepted}`,
    );
    assert.ok(accepted >= 1024 * 1024, "the first MiB went through");
  } finally {
    progress.stop = true;
    release.resolve();
    conn.close();
    await writing;
  }
});

Deno.test("curl reading at 4 MB/s holds the origin to what it has taken", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0 });
  const counter = { pulled: 0 };
  bed.setRawHandler(() => countedDownload(counter));
  const child = new Deno.Command("curl", {
    args: [
      "-s",
      "-o",
      "/dev/null",
      "--limit-rate",
      "4M",
      "--max-time",
      "2",
      "--proxy",
      bed.proxyUrl,
      "--cacert",
      bed.caPath,
      "https://api.test/big",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  await sleep(STALL_MS);
  const pulled = counter.pulled;
  await child.status;
  // curl got about 6 MB by now; the proxy may hold socket buffers more, never the whole body.
  assert.ok(pulled < BOUND, `curl read at 4 MB/s; the proxy pulled ${pulled} from the origin`);
});
