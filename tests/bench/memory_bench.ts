// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * `deno task bench:memory` (issue 19): the egress proxy's resident memory under large bodies.
 * Runs `bot-bottle egress serve` (default detectors) in front of a local HTTPS origin and, for
 * each load, samples the proxy's RSS from /proc every 50 ms: idle before, peak during, final
 * after. Loads: a 1 GiB download read as fast as curl can, 256 MiB read at 10 MB/s, a 1 GiB
 * upload, and 200 connections each downloading 20 MiB at once. Loopback only.
 */
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;

async function firstLine(stream: ReadableStream<Uint8Array>, until: string): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes(until)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`process exited before printing "${until}": ${text}`);
    text += value;
  }
  reader.releaseLock();
  return text;
}

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
    args: ["-sS", "--fail", "-o", "/dev/null", ...args],
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

const dir = await Deno.makeTempDir({ prefix: "bb-bench-memory-" });
const originCa = await loadOrCreateCa(join(dir, "origin-ca"));
const leaf = await originCa.issueLeaf("bench.test");
await Deno.writeTextFile(join(dir, "origin.pem"), leaf.certPem);
await Deno.writeTextFile(join(dir, "origin-key.pem"), leaf.keyPem);
await Deno.writeTextFile(join(dir, "origin-ca.pem"), originCa.certPem);
await Deno.writeTextFile(join(dir, "routes.yaml"), "log: 0\nroutes:\n  - host: bench.test\n");
const origin = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    join(HERE, "_origin.ts"),
    join(dir, "origin.pem"),
    join(dir, "origin-key.pem"),
  ],
  stdout: "piped",
}).spawn();
const originPort = Number((await firstLine(origin.stdout, "\n")).split("\n")[0]);
const proxyPort = 19_098;
const proxy = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-q",
    "-P=cli",
    join(ROOT, "main.ts"),
    "egress",
    "serve",
    "--routes",
    join(dir, "routes.yaml"),
    "--ca-dir",
    join(dir, "ca"),
    "--listen",
    `127.0.0.1:${proxyPort}`,
    "--upstream-ca",
    join(dir, "origin-ca.pem"),
    "--connect-to",
    `bench.test:443=127.0.0.1:${originPort}`,
  ],
  cwd: ROOT,
  stderr: "piped",
}).spawn();
await firstLine(proxy.stderr, "listening on");
const via = ["--proxy", `http://127.0.0.1:${proxyPort}`, "--cacert", join(dir, "ca", "ca.pem")];
const url = (path: string) => `https://bench.test${path}`;

const loads: [string, () => Promise<void>][] = [
  ["1 GiB download, fast reader", () => curl([...via, url("/big?mb=1024")])],
  ["256 MiB download at 10 MB/s", () => curl([...via, "--limit-rate", "10M", url("/big?mb=256")])],
  ["1 GiB upload", () => curl([...via, "-T", "-", "-X", "POST", url("/upload")], bytes(1024))],
  ["200 connections x 20 MiB", async () => {
    const urls = Array.from(
      { length: 200 },
      (_, i) => ["-o", "/dev/null", url(`/big?mb=20&i=${i}`)],
    )
      .flat();
    await curl([...via, "--parallel", "--parallel-max", "200", ...urls]);
  }],
];
const rows: string[][] = [];
try {
  for (const [name, load] of loads) {
    const idle = rssMiB(proxy.pid);
    const [peak, after] = await sampled(proxy.pid, load);
    rows.push([
      name,
      idle.toFixed(0),
      peak.toFixed(0),
      `+${(peak - idle).toFixed(0)}`,
      after.toFixed(0),
    ]);
  }
} finally {
  proxy.kill("SIGTERM");
  origin.kill("SIGTERM");
  await proxy.status;
  await origin.status;
  await Deno.remove(dir, { recursive: true });
}
const header = ["load (proxy RSS, MiB)", "before", "peak", "growth", "after"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(line(header));
for (const row of rows) console.log(line(row));
