/**
 * Upstreams that never answer, or answer a byte at a time, hold the agent only as long as the
 * proxy's upstream timeouts allow: curl gets a JSON 504 when no answer has started, and a cut
 * connection when an answer stops half-way. The proxy keeps serving other requests meanwhile.
 */
import assert from "node:assert/strict";
import net from "node:net";
import tls from "node:tls";
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";
import { type Bed, curl, startBed } from "./_harness.ts";

const HOST = "slow.test";
const ROUTES = `routes:\n  - host: api.test\n  - host: ${HOST}\n`;
/**
 * Short timeouts so each case ends in a second or two, and long enough that a busy machine (a
 * TLS handshake with an origin in this process, a timer late by a few hundred ms) does not trip
 * them where the test expects an answer.
 */
const TIMEOUTS = { connectMs: 1_000, responseMs: 1_000, stallMs: 1_000 };

/** What a misbehaving origin does once a client is connected. */
type Behaviour = (socket: net.Socket | tls.TLSSocket) => void;

/** A raw origin for {@link HOST} on loopback: TLS with a leaf from the CA in `caDir`, or none. */
async function rawOrigin(
  caDir: string,
  options: { tls: boolean; behave: Behaviour },
): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("close", () => sockets.delete(socket));
  };
  let server: net.Server;
  if (options.tls) {
    const leaf = await (await loadOrCreateCa(caDir)).issueLeaf(HOST);
    server = tls.createServer({ cert: leaf.certPem, key: leaf.keyPem }, options.behave);
    server.on("connection", track);
  } else {
    server = net.createServer((socket) => {
      track(socket);
      options.behave(socket);
    });
  }
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Once the request head is in, write `parts` with `gapMs` between them, then wait. */
function answerSlowly(parts: readonly string[], gapMs: number): Behaviour {
  return (socket) => {
    let started = false;
    socket.on("data", async () => {
      if (started) return;
      started = true;
      for (const part of parts) {
        if (socket.destroyed) return;
        socket.write(part);
        await new Promise((resolve) => setTimeout(resolve, gapMs));
      }
    });
  };
}

/** curl through the bed to the misbehaving origin; how long it took and what it got. */
async function timedCurl(bed: Bed): Promise<Awaited<ReturnType<typeof curl>> & { ms: number }> {
  const started = performance.now();
  const result = await curl(bed, `https://${HOST}/slow`);
  return { ...result, ms: performance.now() - started };
}

/** One case: a bed whose {@link HOST} maps to an origin that behaves as told. */
async function withOrigin(
  options: { tls: boolean; behave: Behaviour },
  check: (bed: Bed) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-timeouts-" });
  try {
    const caDir = join(dir, "origin-ca");
    const origin = await rawOrigin(caDir, options);
    try {
      await using bed = await startBed(ROUTES, {
        upstreamTimeouts: TIMEOUTS,
        originCaDir: caDir,
        connectTo: { [`${HOST}:443`]: `127.0.0.1:${origin.port}` },
      });
      await check(bed);
      const after = await curl(bed, "https://api.test/after");
      assert.equal(after.status, 200, "the proxy stopped serving other requests");
    } finally {
      await origin.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The JSON body of a refusal. */
function blockBody(body: string): { rule: string; reason: string } | undefined {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

Deno.test("egress proxy answers 504 when an upstream accepts TCP and never speaks TLS", async () => {
  await withOrigin({ tls: false, behave: () => {} }, async (bed) => {
    const out = await timedCurl(bed);
    assert.equal(out.status, 504, out.body + out.stderr);
    const block = blockBody(out.body);
    assert.equal(block?.rule, "upstream_timeout", out.body);
    assert.match(
      block.reason,
      new RegExp(`connecting to slow\\.test:\\d+ took longer than ${TIMEOUTS.connectMs} ms`),
    );
    assert.ok(out.ms < 5_000, `took ${out.ms} ms`);
  });
});

Deno.test("egress proxy answers 504 when an upstream takes the request and never answers", async () => {
  await withOrigin({ tls: true, behave: () => {} }, async (bed) => {
    const out = await timedCurl(bed);
    assert.equal(out.status, 504, out.body + out.stderr);
    const block = blockBody(out.body);
    assert.equal(block?.rule, "upstream_timeout", out.body);
    assert.match(block.reason, new RegExp(`no response within ${TIMEOUTS.responseMs} ms`));
    assert.ok(out.ms >= TIMEOUTS.responseMs - 50 && out.ms < 5_000, `took ${out.ms} ms`);
  });
});

Deno.test("egress proxy answers 504 when an upstream sends its head a byte at a time", async () => {
  const head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  await withOrigin({ tls: true, behave: answerSlowly([...head], 100) }, async (bed) => {
    const out = await timedCurl(bed);
    assert.equal(out.status, 504, out.body + out.stderr);
    const block = blockBody(out.body);
    assert.equal(block?.rule, "upstream_timeout", out.body);
    assert.match(block.reason, new RegExp(`head not complete within ${TIMEOUTS.stallMs} ms`));
    // 40 bytes at 100 ms would take 4 s; the head limit cut it 1 s after the first byte.
    assert.ok(out.ms < 3_000, `took ${out.ms} ms`);
  });
});

Deno.test("egress proxy cuts the agent's connection when an upstream's body stops half-way", async () => {
  const parts = ["HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", "x".repeat(100)];
  await withOrigin({ tls: true, behave: answerSlowly(parts, 10) }, async (bed) => {
    const out = await timedCurl(bed);
    // Whatever was forwarded, the agent is told the body is incomplete (curl exit 18: partial
    // file), or gets the 504 if nothing was forwarded yet; never a hang, never a short 200.
    assert.ok(out.code === 18 || out.status === 504, `curl exit ${out.code}: ${out.stderr}`);
    assert.ok(out.ms < 5_000, `took ${out.ms} ms`);
    assert.ok(
      bed.logs.some((line) =>
        line.includes(`nothing arrived for ${TIMEOUTS.stallMs} ms in the body`)
      ),
      bed.logs.join("\n"),
    );
  });
});

Deno.test("egress proxy relays an answer whose bytes keep coming inside the stall limit", async () => {
  const body = "slow-but-steady";
  const parts = [`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, ...body];
  await withOrigin({ tls: true, behave: answerSlowly(parts, 100) }, async (bed) => {
    const out = await timedCurl(bed);
    assert.equal(out.status, 200, out.stderr);
    assert.equal(out.body, body);
    // 15 gaps of 100 ms: longer in total than the 1 s stall limit, never silent that long.
    assert.ok(out.ms >= 1_400, `took ${out.ms} ms`);
  });
});
