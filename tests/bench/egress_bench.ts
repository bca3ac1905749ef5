// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * `deno task bench:egress`: the same HTTPS workload direct to a local origin and through the
 * egress proxy (`bot-bottle egress serve`, default detectors on), side by side:
 * small keep-alive requests over 8 connections, one 50 MiB download, one 50 MiB upload, and the
 * proxy's resident memory across a long run of small requests. Loopback only.
 */
import { join } from "node:path";
import { loadOrCreateCa } from "../../core/tls/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = new URL("../../", import.meta.url).pathname;
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "8");
const MEMORY_REQUESTS = Number(Deno.env.get("BENCH_MEMORY_REQUESTS") ?? "100000");

async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("process exited before printing its port");
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

async function load(options: Record<string, unknown>): Promise<Record<string, number>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(HERE, "_load.ts"), JSON.stringify(options)],
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("load generator failed");
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** Resident memory of a process, from `ps -o rss=` (KiB; Deno needs --allow-all for /proc). */
async function rssMiB(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

const dir = await Deno.makeTempDir({ prefix: "bb-bench-" });
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
const originPort = Number(await firstLine(origin));

const proxyPort = 19_099;
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
const started = proxy.stderr.pipeThrough(new TextDecoderStream()).getReader();
for (let text = ""; !text.includes("listening on");) {
  const { value, done } = await started.read();
  if (done) throw new Error(`proxy exited during start: ${text}`);
  text += value;
}

const direct = { host: "bench.test", port: originPort, ca: join(dir, "origin-ca.pem") };
const proxied = {
  ...direct,
  ca: join(dir, "ca", "ca.pem"),
  proxy: { host: "127.0.0.1", port: proxyPort },
};
const rows: string[][] = [];
const fmt = (n: number, digits = 1) => n.toFixed(digits);
try {
  await load({ ...proxied, mode: "small", seconds: 2, connections: 8 }); // warm up
  const sd = await load({ ...direct, mode: "small", seconds: SECONDS, connections: 8 });
  const sp = await load({ ...proxied, mode: "small", seconds: SECONDS, connections: 8 });
  rows.push([
    "small req/s (8 conns)",
    fmt(sd.rps!, 0),
    fmt(sp.rps!, 0),
    `${fmt((sp.rps! / sd.rps!) * 100)}%`,
  ]);
  rows.push(["small p50 ms", fmt(sd.p50!, 2), fmt(sp.p50!, 2), `+${fmt(sp.p50! - sd.p50!, 2)} ms`]);
  rows.push(["small p99 ms", fmt(sd.p99!, 2), fmt(sp.p99!, 2), `+${fmt(sp.p99! - sd.p99!, 2)} ms`]);
  const dd = await load({ ...direct, mode: "download", mb: 50 });
  const dp = await load({ ...proxied, mode: "download", mb: 50 });
  rows.push([
    "50 MiB download MB/s",
    fmt(dd.mbps!),
    fmt(dp.mbps!),
    `${fmt((dp.mbps! / dd.mbps!) * 100)}%`,
  ]);
  const ud = await load({ ...direct, mode: "upload", mb: 50 });
  const up = await load({ ...proxied, mode: "upload", mb: 50 });
  rows.push([
    "50 MiB upload MB/s",
    fmt(ud.mbps!),
    fmt(up.mbps!),
    `${fmt((up.mbps! / ud.mbps!) * 100)}%`,
  ]);
  const before = await rssMiB(proxy.pid);
  let done = 0;
  while (done < MEMORY_REQUESTS) {
    done += (await load({ ...proxied, mode: "small", seconds: 5, connections: 8 })).requests!;
  }
  const after = await rssMiB(proxy.pid);
  rows.push([
    `proxy RSS MiB (${done} more requests)`,
    "-",
    `${fmt(before)} -> ${fmt(after)}`,
    `${fmt(after - before)} MiB`,
  ]);
} finally {
  proxy.kill("SIGTERM");
  origin.kill("SIGTERM");
  await proxy.status;
  await origin.status;
  await Deno.remove(dir, { recursive: true });
}

const header = ["workload", "direct", "through proxy", "ratio / added"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(line(header));
for (const row of rows) console.log(line(row));
