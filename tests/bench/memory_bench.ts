/**
 * `deno task bench:memory` (issue 19): the egress proxy's resident memory under large bodies.
 * Runs `bot-bottle egress serve` (default detectors) in front of a local HTTPS origin, a fresh
 * pair per load (memory a load leaves to the allocator would hide the next one's growth), and
 * samples the proxy's RSS from /proc every 50 ms: idle before, peak during, final after; and,
 * through its inspector, the peak V8 heap and external (ArrayBuffer) memory, so what RSS has
 * beyond both is native; and the proxy's CPU seconds during the load. Loads: a 1 GiB download
 * read as fast as curl can, 256 MiB read at 10 MB/s, a 1 GiB upload to an origin that reads as
 * fast as it can and one to an origin reading at 10 MB/s (the proxy must hold its client back),
 * 200 connections each downloading 20 MiB at once, 200 each uploading 20 MiB at once, 200
 * connections held open idle after one small request, and 200 connections whose client stopped
 * reading after the first bytes of a 20 MiB body (the last two tell a per-connection cost from a
 * per-transfer one).
 * Then the steady state: the RSS after the first 10k small keep-alive requests (8 connections)
 * against the RSS after 1M (`BENCH_STEADY_REQUESTS` changes the second figure). Loopback only.
 *
 * `deno task bench:memory [down] [slow] [up] [upslow] [many] [upmany] [idle] [paused] [steady]`
 * runs only the loads named (all by default); `BENCH_RUNTIME_FLAGS` starts the proxy with other V8 flags, e.g.
 * `--v8-flags=--max-semi-space-size=1` for a proxy without paced collections, and
 * `BENCH_UPLOAD_MIB` the upload's size.
 */
import { join } from "node:path";
import {
  cpuMs,
  curl,
  freePort,
  printTable,
  type ProxyBed,
  rssMiB,
  startProxyBed,
  textStream,
  UPLOAD_ORIGIN,
  uploadVia,
} from "./_proxy_bed.ts";
import { attachV8Memory, type V8Memory } from "./_v8_memory.ts";

const HERE = new URL(".", import.meta.url).pathname;
const STEADY_REQUESTS = Number(Deno.env.get("BENCH_STEADY_REQUESTS") ?? "1000000");
/** The uploads' size. */
const UPLOAD_MIB = Number(Deno.env.get("BENCH_UPLOAD_MIB") ?? "1024");

/** What a load did to the proxy's memory (MiB). */
interface Sampled {
  peak: number;
  after: number;
  /** The highest V8 heap and external readings during the load. */
  v8: V8Memory;
}

/**
 * Run a load while sampling the proxy's RSS (every 50 ms) and its V8 memory (every 500 ms: each
 * reading runs in the proxy's event loop).
 */
async function sampled(
  pid: number,
  read: () => Promise<V8Memory>,
  load: () => Promise<void>,
): Promise<Sampled> {
  let peak = rssMiB(pid);
  const v8: V8Memory = { heapUsed: 0, external: 0 };
  const look = async () => {
    const now = await read();
    v8.heapUsed = Math.max(v8.heapUsed, now.heapUsed);
    v8.external = Math.max(v8.external, now.external);
  };
  const timer = setInterval(() => peak = Math.max(peak, rssMiB(pid)), 50);
  let looking = true;
  const looked = (async () => {
    while (looking) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  })();
  try {
    await load();
  } finally {
    clearInterval(timer);
    looking = false;
    await looked;
  }
  await look();
  return { peak: Math.max(peak, rssMiB(pid)), after: rssMiB(pid), v8 };
}

/**
 * Hold 200 connections through the proxy (`_holding_clients.cjs`, `idle` or `stop` mode) for a
 * few seconds once every one is in place, then close them.
 */
async function held(bed: ProxyBed, mode: "idle" | "stop"): Promise<void> {
  const child = new Deno.Command("node", {
    args: [
      join(HERE, "_holding_clients.cjs"),
      String(bed.proxyPort),
      bed.proxyCa,
      "200",
      mode,
      "20",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const ready = await child.stdout.pipeThrough(new TextDecoderStream()).getReader().read();
  if (ready.done) throw new Error(`${mode}: the clients ended before holding their connections`);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  await child.stdin.close();
  if (!(await child.status).success) throw new Error(`${mode}: the clients failed`);
}

/** A temporary file of `mib` MiB of text (curl sends it with its length), removed on dispose. */
async function textFile(mib: number): Promise<{ path: string } & AsyncDisposable> {
  const path = await Deno.makeTempFile({ prefix: "bench-memory-" });
  await textStream(mib).pipeTo((await Deno.open(path, { write: true })).writable);
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path) };
}

/** Run the load generator (`_load.ts`) for `seconds` of small requests; returns how many. */
async function smallRequests(options: Record<string, unknown>, seconds: number): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(HERE, "_load.ts"), JSON.stringify({ ...options, seconds })],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("load generator failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)).requests;
}

/** RSS after the first 10k small requests and after {@link STEADY_REQUESTS}. */
async function steadyState(
  pid: number,
  options: Record<string, unknown>,
): Promise<string[]> {
  let done = 0;
  while (done < 10_000) done += await smallRequests(options, 1);
  const early = rssMiB(pid);
  const earlyCount = done;
  while (done < STEADY_REQUESTS) done += await smallRequests(options, 10);
  const late = rssMiB(pid);
  return [
    `small requests: ${earlyCount} then ${done}`,
    early.toFixed(0),
    "-",
    `${(((late - early) / early) * 100).toFixed(1)}%`,
    late.toFixed(0),
  ];
}

/** A fresh origin and proxy, its inspector attached. */
async function freshBed(): Promise<
  { bed: ProxyBed; read: () => Promise<V8Memory> } & AsyncDisposable
> {
  const inspect = freePort();
  // Many connections: a loaded origin can take more than the default 10 s to accept them.
  const bed = await startProxyBed(0, {
    inspect,
    env: { BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "120" },
  });
  const probe = await attachV8Memory(inspect);
  return {
    bed,
    read: () => probe.read(),
    async [Symbol.asyncDispose]() {
      probe[Symbol.dispose]();
      await bed[Symbol.asyncDispose]();
    },
  };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** Every load, then the table. */
async function main(): Promise<void> {
  const url = (path: string) => `https://bench.test${path}`;
  const via = (bed: ProxyBed) => [
    "--proxy",
    `http://127.0.0.1:${bed.proxyPort}`,
    "--cacert",
    bed.proxyCa,
  ];
  const loads: [string, string, (bed: ProxyBed) => Promise<void>][] = [
    ["down", "1 GiB download, fast reader", (bed) => curl([...via(bed), url("/big?mb=1024")])],
    [
      "slow",
      "256 MiB download at 10 MB/s",
      (bed) => curl([...via(bed), "--limit-rate", "10M", url("/big?mb=256")]),
    ],
    [
      "up",
      `${UPLOAD_MIB} MiB upload, fast origin`,
      (bed) => uploadVia(via(bed), `${UPLOAD_ORIGIN}/upload`, UPLOAD_MIB),
    ],
    [
      "upslow",
      `${UPLOAD_MIB} MiB upload, origin at 10 MB/s`,
      (bed) => uploadVia(via(bed), `${UPLOAD_ORIGIN}/upload?mbps=10`, UPLOAD_MIB),
    ],
    ["many", "200 connections x 20 MiB", async (bed) => {
      const urls = Array.from(
        { length: 200 },
        (_, i) => ["-o", "/dev/null", url(`/big?mb=20&i=${i}`)],
      )
        .flat();
      await curl([...via(bed), "--parallel", "--parallel-max", "200", ...urls]);
    }],
    ["upmany", "200 connections x 20 MiB up", async (bed) => {
      await using file = await textFile(20);
      const uploads = Array.from(
        { length: 200 },
        (_, i) => ["-o", "/dev/null", "-T", file.path, `${UPLOAD_ORIGIN}/upload?i=${i}`],
      ).flat();
      await curl([...via(bed), "-X", "POST", "--parallel", "--parallel-max", "200", ...uploads]);
    }],
    ["idle", "200 connections held open, idle", (bed) => held(bed, "idle")],
    ["paused", "200 connections, reader stopped in 20 MiB", (bed) => held(bed, "stop")],
  ];
  const known = [...loads.map(([key]) => key), "steady"];
  const unknown = Deno.args.filter((arg) => !known.includes(arg));
  if (unknown.length > 0) {
    throw new TypeError(`Unknown load "${unknown[0]}" (the loads: ${known.join(", ")})`);
  }
  const chosen = (key: string) => Deno.args.length === 0 || Deno.args.includes(key);
  const rows: string[][] = [];
  for (const [key, name, load] of loads) {
    if (!chosen(key)) continue;
    await using fresh = await freshBed();
    const pid = fresh.bed.proxyPid;
    const idle = rssMiB(pid);
    const cpuBefore = await cpuMs(pid);
    // A load that fails (a 502 when a loaded machine misses the connect timeout) still has a
    // row, marked, and the loads after it still run.
    let failed = "";
    const { peak, after, v8 } = await sampled(
      pid,
      fresh.read,
      () =>
        load(fresh.bed).catch(() => {
          // The client's own stderr (inherited) said why.
          failed = " (failed)";
        }),
    );
    rows.push([
      name + failed,
      idle.toFixed(0),
      peak.toFixed(0),
      `+${(peak - idle).toFixed(0)}`,
      after.toFixed(0),
      mib(v8.heapUsed),
      mib(v8.external),
      ((await cpuMs(pid) - cpuBefore) / 1000).toFixed(1),
    ]);
  }
  if (chosen("steady")) {
    await using fresh = await freshBed();
    const small = {
      mode: "small",
      host: "bench.test",
      port: fresh.bed.originPort,
      ca: fresh.bed.proxyCa,
      proxy: { host: "127.0.0.1", port: fresh.bed.proxyPort },
      connections: 8,
    };
    rows.push([...await steadyState(fresh.bed.proxyPid, small), "-", "-", "-"]);
  }
  printTable(
    [
      "load (proxy memory, MiB)",
      "RSS before",
      "peak",
      "growth",
      "after",
      "heap max",
      "ext max",
      "CPU s",
    ],
    rows,
  );
}

await main();
