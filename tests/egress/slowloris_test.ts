/**
 * Slow and idle clients cannot tie the proxy up: a request head has `headTimeoutMs` to arrive, a
 * body that stalls gets `bodyStallTimeoutMs` between bytes, and connections that sit there do not
 * stop other clients from being served.
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { curl, startBed } from "./_harness.ts";

const ROUTES = "routes:\n  - host: api.test\n";

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

/** Whether `promise` settles within `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("egress proxy answers a head trickled past headTimeoutMs with 408 and keeps serving", async () => {
  await using bed = await startBed(ROUTES, { limits: { headTimeoutMs: 300 } });
  const socket = await connect(bed.proxy.port);
  let answer = "";
  socket.on("data", (chunk) => (answer += String(chunk)));
  socket.on("error", () => {});
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const started = performance.now();
  let closedAt: number | undefined;
  void closed.then(() => (closedAt = performance.now() - started));

  // One byte every 100 ms: the head would take 4 s to finish.
  const head = "GET http://api.test/slow HTTP/1.1\r\nHost: api.test\r\n\r\n";
  for (const byte of head) {
    if (closedAt !== undefined) break;
    socket.write(byte);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  socket.destroy();
  await closed;

  assert.ok(closedAt !== undefined, "the proxy let the trickle finish");
  assert.ok(closedAt < 2_000, `closed only after ${closedAt} ms`);
  assert.ok(closedAt >= 250, `closed after ${closedAt} ms, before the timeout`);
  assert.match(answer, /^(HTTP\/1\.1 408 |$)/, answer);
  assert.equal(bed.seen.length, 0);
  assert.equal((await curl(bed, "https://api.test/after")).status, 200);
});

Deno.test("egress proxy serves a request while 200 idle connections are open", async () => {
  // The idle connections are dropped at 5 s: a request served before then was not held behind
  // them (curl's own start and handshake take well under 4 s even on a busy machine).
  await using bed = await startBed(ROUTES, { limits: { headTimeoutMs: 5_000 } });
  const sockets = await Promise.all(Array.from({ length: 200 }, () => connect(bed.proxy.port)));
  const closed = sockets.map((socket) => {
    socket.on("error", () => {});
    socket.resume();
    return new Promise<void>((resolve) => socket.once("close", () => resolve()));
  });
  // Half say nothing, half stop in the middle of a head.
  sockets.forEach((socket, i) => {
    if (i % 2 === 1) socket.write("GET http://api.test/ HTTP/1.1\r\nHost: api");
  });
  const openWhenAsked = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  const started = performance.now();
  const result = await curl(bed, "https://api.test/busy");
  const elapsed = performance.now() - started;

  assert.equal(openWhenAsked, 200);
  assert.equal(result.status, 200, result.stderr + result.body);
  assert.ok(elapsed < 4_000, `curl took ${elapsed} ms`);
  const allClosed = await within(Promise.all(closed), 9_000);
  assert.ok(allClosed, "the proxy dropped the idle connections after headTimeoutMs");
  assert.equal(bed.seen.length, 1);
});

Deno.test("egress proxy answers a request body stalled past bodyStallTimeoutMs with 408 and closes", async () => {
  // Found by `deno task fuzz http`: a body that stopped half way held the client's connection
  // and the upstream's open for ever (no timeout applied once the head was read).
  await using bed = await startBed(ROUTES, { limits: { bodyStallTimeoutMs: 300 } });
  const raw = await connect(bed.proxy.port);
  raw.on("error", () => {});
  raw.write("CONNECT api.test:443 HTTP/1.1\r\nHost: api.test:443\r\n\r\n");
  await new Promise((resolve) => raw.once("data", resolve));
  const secure = tls.connect({ socket: raw, servername: "api.test", ca: bed.caPem });
  secure.on("error", () => {});
  await new Promise((resolve) => secure.once("secureConnect", resolve));
  let answer = "";
  secure.on("data", (chunk) => (answer += String(chunk)));
  const closed = new Promise<void>((resolve) => raw.once("close", () => resolve()));
  const started = performance.now();
  secure.write("POST /upload HTTP/1.1\r\nHost: api.test\r\nContent-Length: 100\r\n\r\nhalf");
  const inTime = await within(closed, 5_000);
  const elapsed = performance.now() - started;
  secure.destroy();
  raw.destroy();

  assert.ok(inTime, "the stalled body kept the connection open");
  assert.ok(elapsed >= 250, `closed after ${elapsed} ms, before the timeout`);
  assert.match(answer, /^HTTP\/1\.1 408 /, answer);
  assert.equal((await curl(bed, "https://api.test/after")).status, 200);
});
