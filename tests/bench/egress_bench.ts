/**
 * `deno task bench:egress`: the same HTTPS workload direct to a local origin and through the
 * egress proxy (`bot-bottle egress serve`, default detectors on), side by side:
 * small keep-alive requests over 8 connections, one 50 MiB download, one 50 MiB upload, and the
 * proxy's resident memory across a long run of small requests. Loopback only.
 */
import { join } from "node:path";
import { printTable, startProxyBed } from "./_proxy_bed.ts";

const HERE = new URL(".", import.meta.url).pathname;
const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "8");
const MEMORY_REQUESTS = Number(Deno.env.get("BENCH_MEMORY_REQUESTS") ?? "100000");

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

/** Every workload, direct and through the proxy, then the table. */
async function main(): Promise<void> {
  await using bed = await startProxyBed(19_099);
  const direct = { host: "bench.test", port: bed.originPort, ca: bed.originCa };
  const proxied = { ...direct, ca: bed.proxyCa, proxy: { host: "127.0.0.1", port: bed.proxyPort } };
  const rows: string[][] = [];
  const fmt = (n: number, digits = 1) => n.toFixed(digits);
  await load({ ...proxied, mode: "small", seconds: 2, connections: 8 }); // warm up
  const sd = await load({ ...direct, mode: "small", seconds: SECONDS, connections: 8 });
  const sp = await load({ ...proxied, mode: "small", seconds: SECONDS, connections: 8 });
  rows.push([
    "small req/s (8 conns)",
    fmt(sd.rps!, 0),
    fmt(sp.rps!, 0),
    `${fmt((sp.rps! / sd.rps!) * 100)}%`,
  ]);
  rows.push([
    "small p50 ms",
    fmt(sd.p50!, 2),
    fmt(sp.p50!, 2),
    `+${fmt(sp.p50! - sd.p50!, 2)} ms`,
  ]);
  rows.push([
    "small p99 ms",
    fmt(sd.p99!, 2),
    fmt(sp.p99!, 2),
    `+${fmt(sp.p99! - sd.p99!, 2)} ms`,
  ]);
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
  const before = await rssMiB(bed.proxyPid);
  let done = 0;
  while (done < MEMORY_REQUESTS) {
    done += (await load({ ...proxied, mode: "small", seconds: 5, connections: 8 })).requests!;
  }
  const after = await rssMiB(bed.proxyPid);
  rows.push([
    `proxy RSS MiB (${done} more requests)`,
    "-",
    `${fmt(before)} -> ${fmt(after)}`,
    `${fmt(after - before)} MiB`,
  ]);

  printTable(["workload", "direct", "through proxy", "ratio / added"], rows);
}

await main();
