// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * `deno task bench:floor`: where the egress proxy's CPU per small request goes (issue 16). The
 * same keep-alive HTTPS load (8 connections) through the proxy (default detectors), through the
 * proxy with DLP off for the route, through Squid ssl-bump, through a bare relay whose client
 * TLS is `node:tls` over a JS stream (`_floor_relay.ts`: what the proxy used until it moved to
 * the runtime's own TLS; no HTTP, no policy, no DLP), through a bare relay whose client TLS is
 * the runtime's own over a loopback hop (`_floor_native_relay.ts`: the proxy's design, bare),
 * and through a bare relay that starts the client's TLS with `node:tls` on the socket it
 * accepted (`_floor_upgrade_relay.ts`: that design without the hop, which Deno 2.9 allows),
 * interleaved over `BENCH_ROUNDS` rounds, then one 50 MiB download through each. It prints each
 * path's user and system CPU per request (from /proc, the figure the shared machine disturbs
 * least), requests per second, and the download's rate and CPU time, medians. Loopback only.
 */
import { dirname, join } from "node:path";
import {
  cpuTimes,
  freePort,
  load,
  median,
  printTable,
  startProxyBed,
  until,
  WARM_SECONDS,
} from "./_proxy_bed.ts";
import { startSquid } from "./_squid_bed.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? "5");
const SECONDS = 4;
const DOWNLOAD_MIB = 50;

async function main(): Promise<void> {
  await using bed = await startProxyBed(freePort());
  await using bare = await startProxyBed(freePort(), {
    route: { dlp: { outbound_detectors: false, inbound_detectors: false } },
  });
  await using squid = await startSquid({
    dir: await Deno.makeTempDir({ prefix: "bb-bench-squid-" }),
    port: freePort(),
    originCa: bed.originCa,
  });
  const dir = dirname(bed.originCa);
  const relays: Deno.ChildProcess[] = [];
  try {
    const [relay, native, upgrade] = [
      await startRelay("_floor_relay.ts", dir, bed.originPort, relays),
      await startRelay("_floor_native_relay.ts", dir, bed.originPort, relays),
      await startRelay("_floor_upgrade_relay.ts", dir, bed.originPort, relays),
    ];
    const direct = { host: "bench.test", port: bed.originPort, ca: bed.originCa };
    const via = (port: number) => ({ proxy: { host: "127.0.0.1", port } });
    const paths: [string, Record<string, unknown>, number][] = [
      ["egress", { ...direct, ca: bed.proxyCa, ...via(bed.proxyPort) }, bed.proxyPid],
      ["egress, DLP off", { ...direct, ca: bare.proxyCa, ...via(bare.proxyPort) }, bare.proxyPid],
      [
        "squid",
        { ...direct, ca: squid.ca, ...via(squid.port), connectPort: bed.originPort },
        squid.pid,
      ],
      ["bare relay, node:tls", { ...direct, ...via(relay.port) }, relay.pid],
      ["bare relay, Deno's own TLS", { ...direct, ...via(native.port) }, native.pid],
      ["bare relay, no hop (node:tls)", { ...direct, ...via(upgrade.port) }, upgrade.pid],
    ];
    for (const [, path] of paths) {
      await load({ ...path, mode: "small", seconds: WARM_SECONDS, connections: 8 });
    }
    const figures = paths.map(() => ({
      rps: [] as number[],
      user: [] as number[],
      system: [] as number[],
      mbps: [] as number[],
      download: [] as number[],
    }));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, [, path, pid]] of paths.entries()) {
        const before = await cpuTimes(pid);
        const run = await load({ ...path, mode: "small", seconds: SECONDS, connections: 8 });
        const after = await cpuTimes(pid);
        figures[i]!.rps.push(run.rps!);
        figures[i]!.user.push(((after.user - before.user) * 1000) / run.requests!);
        figures[i]!.system.push(((after.system - before.system) * 1000) / run.requests!);
      }
      for (const [i, [, path, pid]] of paths.entries()) {
        const before = await cpuTimes(pid);
        const run = await load({ ...path, mode: "download", mb: DOWNLOAD_MIB });
        const after = await cpuTimes(pid);
        figures[i]!.mbps.push(run.mbps!);
        figures[i]!.download.push(after.user + after.system - before.user - before.system);
      }
    }
    console.log(
      `rounds: ${ROUNDS} (median); small requests: ${SECONDS} s each, 8 connections; ` +
        `one ${DOWNLOAD_MIB} MiB download`,
    );
    printTable(
      [
        "path",
        "req/s",
        "user µs/req",
        "system µs/req",
        "CPU µs/req",
        "download MB/s",
        "download CPU ms",
      ],
      paths.map(([name], i) => {
        const f = figures[i]!;
        const [user, system] = [median(f.user), median(f.system)];
        const rates = [median(f.rps), user, system, user + system, median(f.mbps)];
        return [name, ...rates.map((v) => v.toFixed(0)), median(f.download).toFixed(0)];
      }),
    );
  } finally {
    for (const relay of relays) {
      relay.kill("SIGTERM");
      await relay.status;
    }
  }
}

/**
 * Start a relay (`_floor_relay.ts`, `_floor_native_relay.ts` or `_floor_upgrade_relay.ts`) in
 * front of the origin and read the port it prints.
 *
 * @param started Where the process is added as soon as it runs, for the caller to stop.
 */
async function startRelay(
  script: string,
  dir: string,
  originPort: number,
  started: Deno.ChildProcess[],
): Promise<{ port: number; pid: number }> {
  const relay = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(HERE, script),
      ...["origin.pem", "origin-key.pem", "origin-ca.pem"].map((file) => join(dir, file)),
      String(originPort),
    ],
    stdout: "piped",
  }).spawn();
  started.push(relay);
  const said = await until(relay.stdout, /\d+\n/);
  return { port: Number(said.trim().split("\n")[0]), pid: relay.pid };
}

await main();
