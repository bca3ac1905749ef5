/**
 * Large bodies take turns (issue 19): at most a few move at once, so that hundreds of them do not
 * each hold their buffers in flight. These tests run the proxy with a single slot and watch what
 * real clients notice: a second large download waits for the first, small requests never wait,
 * and a client that stopped reading does not keep the slot from the others.
 */
import assert from "node:assert/strict";
import { LARGE_BODY_BYTES, STALL_MS } from "../../sidecar/egress/mod.ts";
import { curl, startBed, tunnelTo } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";
const CHUNK = new Uint8Array(64 * 1024).fill(0x61);
const LARGE = 8 * LARGE_BODY_BYTES;
/** The first download: 2 s at the pace below, long past the requests made while it runs. */
const FIRST = 24 * LARGE_BODY_BYTES;
/** The origin's pace for it: a chunk every 5 ms, so the proxy reads it without ever stalling. */
const FIRST_EVERY_MS = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A response of `size` bytes with its length, a chunk every `everyMs` if set. */
function sized(size: number, everyMs = 0): Response {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (everyMs > 0) await sleep(everyMs);
      if (sent >= size) return controller.close();
      const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, size - sent));
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  return new Response(body, { headers: { "content-length": String(size) } });
}

/** GET `path` through `conn` and read its `total` bytes of body as fast as they come. */
async function readAll(conn: Deno.TlsConn, path: string, total: number): Promise<number> {
  await conn.write(new TextEncoder().encode(`GET ${path} HTTP/1.1\r\nHost: api.test\r\n\r\n`));
  const buffer = new Uint8Array(64 * 1024);
  let got = 0;
  let body = -1;
  while (body < total) {
    const n = await conn.read(buffer);
    if (n === null) break;
    got += n;
    if (body < 0) {
      const head = new TextDecoder().decode(buffer.subarray(0, n)).indexOf("\r\n\r\n");
      if (head >= 0) body = got - head - 4;
    } else body += n;
  }
  return body;
}

Deno.test("with one slot, a second large download waits for the first while small requests do not", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0, transferSlots: 1 });
  const sizes: Record<string, number> = { "/first": FIRST, "/small": 1000 };
  bed.setRawHandler((req) => {
    const path = new URL(req.url).pathname;
    return sized(sizes[path] ?? LARGE, path === "/first" ? FIRST_EVERY_MS : 0);
  });
  const conn = await tunnelTo(bed);
  try {
    // The first moves steadily for seconds, and never stalls.
    let firstDone = 0;
    const first = readAll(conn, "/first", FIRST).then((n) => {
      firstDone = performance.now();
      return n;
    });
    await sleep(100);
    const small = await curl(bed, "https://api.test/small");
    assert.equal(small.status, 200);
    assert.equal(small.body.length, 1000);
    assert.equal(firstDone, 0, "the small request did not wait for the large one");
    const second = await curl(bed, "https://api.test/second", ["--max-time", "60"]);
    const secondDone = performance.now();
    assert.equal(second.status, 200, second.stderr);
    assert.equal(second.body.length, LARGE);
    assert.equal(await first, FIRST);
    assert.ok(secondDone > firstDone, "the second moved only once the first ended");
  } finally {
    conn.close();
  }
});

Deno.test("a client that stopped reading gives up its slot to the next large download", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0, transferSlots: 1 });
  bed.setRawHandler(() => sized(64 * LARGE_BODY_BYTES));
  const conn = await tunnelTo(bed);
  try {
    await conn.write(new TextEncoder().encode("GET /stuck HTTP/1.1\r\nHost: api.test\r\n\r\n"));
    assert.ok(((await conn.read(new Uint8Array(64 * 1024))) ?? 0) > 0, "the download began");
    // It reads nothing more. The next large download gets the slot once the first has stalled.
    const started = performance.now();
    const next = await curl(bed, "https://api.test/next", ["--max-time", "30"]);
    assert.equal(next.status, 200, next.stderr);
    assert.equal(next.body.length, 64 * LARGE_BODY_BYTES);
    assert.ok(performance.now() - started < STALL_MS + 15_000);
  } finally {
    conn.close();
  }
});

Deno.test("with one slot, a large upload waits for its turn before its 100 Continue", async () => {
  await using bed = await startBed(ROUTES, { logLevel: 0, transferSlots: 1 });
  let uploaded = 0;
  bed.setRawHandler(async (req) => {
    if (new URL(req.url).pathname === "/first") return sized(FIRST, FIRST_EVERY_MS);
    uploaded = (await req.arrayBuffer()).byteLength;
    return new Response("stored");
  });
  const conn = await tunnelTo(bed);
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeFile(file, new Uint8Array(LARGE).fill(0x62));
    let firstDone = 0;
    const first = readAll(conn, "/first", FIRST).then((n) => {
      firstDone = performance.now();
      return n;
    });
    await sleep(100);
    // curl asks for a 100 Continue before a body this large, and waits up to 30 s for it here.
    const upload = await curl(bed, "https://api.test/upload", [
      "--expect100-timeout",
      "30",
      "--max-time",
      "60",
      "-T",
      file,
    ]);
    const uploadDone = performance.now();
    assert.equal(upload.status, 200, upload.stderr);
    assert.equal(upload.body, "stored");
    assert.equal(uploaded, LARGE);
    assert.equal(await first, FIRST);
    assert.ok(uploadDone > firstDone, "the upload moved only once the download ended");
  } finally {
    conn.close();
    await Deno.remove(file);
  }
});
