/**
 * `deno task bench:memory` (issue 19): the egress proxy's resident memory under large bodies.
 * Runs `bot-bottle egress serve` (default detectors) in front of a local HTTPS origin and, for
 * each load, samples the proxy's RSS from /proc every 50 ms: idle before, peak during, final
 * after. Loads: a 1 GiB download read as fast as curl can, 256 MiB read at 10 MB/s, a 1 GiB
 * upload, and 200 connections each downloading 20 MiB at once. Then the steady state: the RSS
 * after the first 10k small keep-alive requests (8 connections) against the RSS after 1M
 * (`BENCH_STEADY_REQUESTS` changes the second figure). Loopback only.
 *
 * `deno task bench:memory [down] [slow] [up] [many] [steady]` runs only the loads named (all by
 * default); `BENCH_RUNTIME_FLAGS` starts the proxy with other V8 flags, e.g.
 * `--v8-flags=--max-semi-space-size=1` for a proxy without paced collections, and
 * `BENCH_UPLOAD_MIB` the upload's size.
 */
import { join } from "node:path";
import { printTable, startProxyBed } from "./_proxy_bed.ts";

const HERE = new URL(".", import.meta.url).pathname;
const STEADY_REQUESTS = Number(Deno.env.get("BENCH_STEADY_REQUESTS") ?? "1000000");
/** The upload's size: the test origin (`Deno.serve`) takes uploads slowly on a busy machine. */
const UPLOAD_MIB = Number(Deno.env.get("BENCH_UPLOAD_MIB") ?? "1024");

function rssMiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0") / 1024;
}

/** Run a load while sampling the proxy's RSS; returns the peak and the RSS after. */
async function sampled(pid: number, load: () => Promise<void>): Promise<[number, number]> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => peak = Math.max(peak, rssMiB(pid)), 50);
  try {
    await load();
  } finally {
    clearInterval(timer);
  }
  return [Math.max(peak, rssMiB(pid)), rssMiB(pid)];
}

async function curl(args: string[], stdin?: ReadableStream<Uint8Array>): Promise<void> {
  const child = new Deno.Command("curl", {
    args: ["-sS", "--fail", "--no-progress-meter", "-o", "/dev/null", ...args],
    stdin: stdin === undefined ? "null" : "piped",
    stderr: "inherit",
  }).spawn();
  if (stdin !== undefined) await stdin.pipeTo(child.stdin);
  const status = await child.status;
  if (!status.success) throw new Error(`curl ${args.join(" ")} failed`);
}

/** `mib` MiB of text, streamed. */
function bytes(mib: number): ReadableStream<Uint8Array> {
  const block = new TextEncoder().encode(
    "upload body line for the memory benchmark\n".repeat(1560),
  );
  let left = mib * 1024 * 1024;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const part = left >= block.length ? block : block.subarray(0, left);
      left -= part.length;
      controller.enqueue(part);
    },
  });
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

/** Every load, then the table. */
async function main(): Promise<void> {
  await using bed = await startProxyBed(19_098);
  const via = ["--proxy", `http://127.0.0.1:${bed.proxyPort}`, "--cacert", bed.proxyCa];
  const url = (path: string) => `https://bench.test${path}`;
  const loads: [string, string, () => Promise<void>][] = [
    ["down", "1 GiB download, fast reader", () => curl([...via, url("/big?mb=1024")])],
    [
      "slow",
      "256 MiB download at 10 MB/s",
      () => curl([...via, "--limit-rate", "10M", url("/big?mb=256")]),
    ],
    [
      "up",
      `${UPLOAD_MIB} MiB upload`,
      () => curl([...via, "-T", "-", "-X", "POST", url("/upload")], bytes(UPLOAD_MIB)),
    ],
    ["many", "200 connections x 20 MiB", async () => {
      const urls = Array.from(
        { length: 200 },
        (_, i) => ["-o", "/dev/null", url(`/big?mb=20&i=${i}`)],
      )
        .flat();
      await curl([...via, "--parallel", "--parallel-max", "200", ...urls]);
    }],
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
    const idle = rssMiB(bed.proxyPid);
    // A load that fails (a 502 when a loaded machine misses the connect timeout) still has a
    // row, marked, and the loads after it still run.
    let failed = "";
    const [peak, after] = await sampled(bed.proxyPid, () =>
      load().catch(() => {
        // curl's own stderr (inherited) said why.
        failed = " (failed)";
      }));
    rows.push([
      name + failed,
      idle.toFixed(0),
      peak.toFixed(0),
      `+${(peak - idle).toFixed(0)}`,
      after.toFixed(0),
    ]);
  }
  const small = {
    mode: "small",
    host: "bench.test",
    port: bed.originPort,
    ca: bed.proxyCa,
    proxy: { host: "127.0.0.1", port: bed.proxyPort },
    connections: 8,
  };
  if (chosen("steady")) rows.push(await steadyState(bed.proxyPid, small));
  printTable(["load (proxy RSS, MiB)", "before", "peak", "growth", "after"], rows);
}

await main();
