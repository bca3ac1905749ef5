/**
 * Bounded memory (issue 19), as the operator sees it: the resident memory of `bot-bottle egress
 * serve` (its own process, started with the sidecar daemons' runtime flags, default detectors)
 * grows by less than {@link BOUND_MIB} while a 256 MiB download passes through one connection,
 * read by curl as fast as it can, by curl at a limited rate and by a Node client that keeps
 * pausing, and while curl uploads 256 MiB to an origin that reads as fast as it can and to one
 * that reads at 20 MB/s (so the proxy must hold curl back), while 50 connections download 8 MiB
 * each at once, and while 50 Node clients stop reading a few KiB into 8 MiB bodies (then read
 * them whole); and what the proxy holds per client that stopped reading. The 1 GiB and
 * 200-connection figures are in `deno task bench:memory`.
 */
import assert from "node:assert/strict";
import { freePort, startProxyBed, UPLOAD_ORIGIN } from "../bench/_proxy_bed.ts";
import { attachV8Memory } from "../bench/_v8_memory.ts";

/** The bound on peak growth over idle. */
const BOUND_MIB = 64;
const MIB = 1024 * 1024;

/** A process's resident memory, from `ps` (reading /proc takes --allow-all). */
async function rssMiB(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  const kib = Number(new TextDecoder().decode(out.stdout).trim());
  if (!out.success || !(kib > 0)) throw new Error(`no RSS for process ${pid}`);
  return kib / 1024;
}

/** Run `load` while sampling the proxy's RSS back to back; the peak growth over the RSS before. */
async function growthDuring(pid: number, load: () => Promise<void>): Promise<number> {
  const idle = await rssMiB(pid);
  let peak = idle;
  let done = false;
  const sampling = (async () => {
    while (!done) peak = Math.max(peak, await rssMiB(pid));
  })();
  try {
    await load();
  } finally {
    done = true;
    await sampling;
  }
  return Math.max(peak, await rssMiB(pid)) - idle;
}

/** Run a client to completion; it must succeed. Returns its stdout. */
async function run(
  command: string,
  args: string[],
  stdin?: { block: Uint8Array; total: number },
): Promise<string> {
  const child = new Deno.Command(command, {
    args,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    // The same block over and over: the test's own memory stays small.
    for (let sent = 0; sent < stdin.total; sent += stdin.block.length) {
      await writer.write(stdin.block);
    }
    await writer.close();
  }
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  assert.ok(out.success, `${command} failed: ${new TextDecoder().decode(out.stderr)}`);
  return text;
}

function curlVia(bed: { proxyPort: number; proxyCa: string }): string[] {
  return [
    "-sS",
    "--fail",
    "-o",
    "/dev/null",
    "-w",
    "%{size_download} %{size_upload}",
    "--proxy",
    `http://127.0.0.1:${bed.proxyPort}`,
    "--cacert",
    bed.proxyCa,
  ];
}

Deno.test("a 256 MiB download read as fast as curl can grows the proxy by less than 64 MiB", async () => {
  await using bed = await startProxyBed(0);
  let out = "";
  const growth = await growthDuring(bed.proxyPid, async () => {
    out = await run("curl", [...curlVia(bed), "https://bench.test/big?mb=256"]);
  });
  assert.equal(out.split(" ")[0], String(256 * MIB), "curl got the whole body");
  assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
});

Deno.test("a 256 MiB download read by curl at 40 MB/s grows the proxy by less than 64 MiB", async () => {
  await using bed = await startProxyBed(0);
  let out = "";
  const growth = await growthDuring(bed.proxyPid, async () => {
    out = await run("curl", [
      ...curlVia(bed),
      "--limit-rate",
      "40M",
      "https://bench.test/big?mb=256",
    ]);
  });
  assert.equal(out.split(" ")[0], String(256 * MIB), "curl got the whole body");
  assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
});

/** Node through the tunnel by hand, pausing for 300 ms after every 16 MiB it reads. */
const PAUSING_NODE_CLIENT = `
const net = require("node:net");
const tls = require("node:tls");
const fs = require("node:fs");
const [port, caFile] = process.argv.slice(1);
const raw = net.connect(Number(port), "127.0.0.1", () => {
  raw.write("CONNECT bench.test:443 HTTP/1.1\\r\\nHost: bench.test:443\\r\\n\\r\\n");
  raw.once("data", () => {
    const s = tls.connect({ socket: raw, servername: "bench.test", ca: fs.readFileSync(caFile) });
    s.write("GET /big?mb=256 HTTP/1.1\\r\\nHost: bench.test\\r\\nConnection: close\\r\\n\\r\\n");
    let got = 0, mark = 16 << 20;
    s.on("data", (chunk) => {
      got += chunk.length;
      if (got >= mark) {
        mark += 16 << 20;
        s.pause();
        setTimeout(() => s.resume(), 300);
      }
    });
    s.on("end", () => { console.log(got); s.destroy(); });
  });
});
`;

Deno.test("a 256 MiB download read by a Node client that keeps pausing grows the proxy by less than 64 MiB", async () => {
  await using bed = await startProxyBed(0);
  let out = "";
  const growth = await growthDuring(bed.proxyPid, async () => {
    out = await run("node", ["-e", PAUSING_NODE_CLIENT, String(bed.proxyPort), bed.proxyCa]);
  });
  assert.ok(Number(out.trim()) > 256 * MIB, `node read ${out.trim()} bytes (head and body)`);
  assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
});

for (const [pace, query] of [["as fast as it can", ""], ["at 20 MB/s", "?mbps=20"]]) {
  Deno.test(`a 256 MiB upload from curl to an origin reading ${pace} grows the proxy by less than 64 MiB`, async () => {
    await using bed = await startProxyBed(0);
    const block = new TextEncoder().encode("upload body line for the memory test\n".repeat(1771));
    let out = "";
    const growth = await growthDuring(bed.proxyPid, async () => {
      out = await run("curl", [
        "-sS",
        "--fail",
        "--proxy",
        `http://127.0.0.1:${bed.proxyPort}`,
        "--cacert",
        bed.proxyCa,
        "-T",
        "-",
        "-X",
        "POST",
        `${UPLOAD_ORIGIN}/upload${query}`,
      ], { block, total: 256 * MIB });
    });
    // What the origin answers: the bytes it read (curl's block repeated to at least 256 MiB).
    assert.equal(out, String(Math.ceil(256 * MIB / block.length) * block.length));
    assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
  });
}

Deno.test("50 connections downloading 8 MiB each at once grow the proxy by less than 64 MiB", async () => {
  // Without the paced collections (core/gc_pacer) this load left 80–120 MiB of dead buffers.
  // On a loaded machine the origin can take more than the default 10 s to accept 50 handshakes.
  await using bed = await startProxyBed(0, {
    env: { BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "120" },
  });
  const transfers = Array.from({ length: 50 }, (_, i) => [
    "-o",
    "/dev/null",
    `https://bench.test/big?mb=8&i=${i}`,
  ]).flat();
  let out = "";
  const growth = await growthDuring(bed.proxyPid, async () => {
    out = await run("curl", [
      ...curlVia(bed),
      "-w",
      "%{size_download}\n",
      "--parallel",
      "--parallel-max",
      "50",
      ...transfers,
    ]);
  });
  const sizes = out.trim().split("\n").map((line) => line.trim().split(" ").at(-1));
  assert.deepEqual(sizes, Array(50).fill(String(8 * MIB)), "every download got its whole body");
  assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
});

/** Node clients holding tunnels through the proxy (`stop-resume`: stop for 3 s, then read). */
const HOLDING_CLIENTS = new URL("../bench/_holding_clients.cjs", import.meta.url).pathname;

Deno.test("50 Node clients that stop reading into 8 MiB bodies grow the proxy by less than 64 MiB", async () => {
  // Without backpressure from each client back to its upstream, the proxy would hold what the
  // clients have not read: up to 400 MiB.
  await using bed = await startProxyBed(0, {
    env: { BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "120" },
  });
  let out = "";
  const growth = await growthDuring(bed.proxyPid, async () => {
    out = await run("node", [
      HOLDING_CLIENTS,
      String(bed.proxyPort),
      bed.proxyCa,
      "50",
      "stop-resume",
      "8",
    ]);
  });
  const { sizes } = JSON.parse(out);
  assert.deepEqual(sizes, Array(50).fill(8 * MIB), "every client read its whole body");
  assert.ok(growth < BOUND_MIB, `peak RSS growth ${growth.toFixed(0)} MiB`);
});

Deno.test("a Node client that stops reading mid-body costs the proxy less than 224 KiB of buffers", async () => {
  // What the proxy holds for each stopped reader (heap snapshots of 200, issue 19): the DLP
  // scanner's state (about 70 KiB), the scanned tail it has not settled, the reader's queue,
  // and what its TLS socket has not encrypted yet. 20 readers; a fresh proxy, its live buffers
  // read through its inspector before and while they hold. Before the client's writer waited
  // on the transport, each TLS socket kept 66 KB of writes in Deno's native buffers, and the
  // upstream duplex queued 48 KiB ahead of the reader: about 330 KiB a reader.
  const inspect = freePort();
  const readers = 20;
  await using bed = await startProxyBed(0, {
    inspect,
    env: { BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "120" },
  });
  using probe = await attachV8Memory(inspect);
  const before = await probe.held();
  const clients = new Deno.Command("node", {
    args: [HOLDING_CLIENTS, String(bed.proxyPort), bed.proxyCa, String(readers), "stop", "8"],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ready = await clients.stdout.pipeThrough(new TextDecoderStream()).getReader().read();
  assert.deepEqual(JSON.parse(ready.value ?? "{}"), { held: readers }, "every client stopped");
  // Until each stopped tunnel has filled the kernel's buffers and come to rest.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const during = await probe.held();
  await clients.stdin.close();
  assert.ok((await clients.status).success, "the clients exited cleanly");
  const perReader = (during.buffers - before.buffers + during.tlsQueued - before.tlsQueued) /
    readers / 1024;
  assert.ok(perReader < 224, `${perReader.toFixed(0)} KiB held per stopped reader`);
});
