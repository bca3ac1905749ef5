// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * `deno task bench:egress`: the same HTTPS workload direct to a local origin, through Squid
 * ssl-bump (`_squid_bed.ts`, the yardstick) and through the egress proxy (`bot-bottle egress
 * serve`, default detectors on), side by side in one run: small keep-alive requests over 8
 * connections, one 50 MiB download, one 50 MiB upload, and the proxy's resident memory and CPU
 * time per request across a long run of small requests. The proxy runs twice: one process, and
 * two processes sharing the port (`--reuse-port`, "egress x2"), to show how it scales with
 * cores. Every figure is printed as a ratio to direct and to Squid. The machine is shared and
 * noisy, so each workload runs `BENCH_ROUNDS` times, the paths interleaved, and the median
 * counts. Loopback only.
 */
import {
  cpuMs,
  freePort,
  load,
  median,
  printTable,
  startProxyBed,
  UPLOAD_ORIGIN,
  WARM_SECONDS,
} from "./_proxy_bed.ts";
import { startSquid } from "./_squid_bed.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") ?? "5");
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? "3");
const MEMORY_REQUESTS = Number(Deno.env.get("BENCH_MEMORY_REQUESTS") ?? "100000");

type Figures = Record<string, number>;

/** Resident memory of a process, from `ps -o rss=` (KiB; Deno needs --allow-all for /proc). */
async function rssMiB(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", { args: ["-o", "rss=", "-p", String(pid)] }).output();
  return Number(new TextDecoder().decode(out.stdout).trim()) / 1024;
}

/** CPU time of several processes together (ms). */
async function cpuOf(pids: readonly number[]): Promise<number> {
  let sum = 0;
  for (const pid of pids) sum += await cpuMs(pid);
  return sum;
}

/** Resident memory of several processes together (MiB). */
async function rssOf(pids: readonly number[]): Promise<number> {
  let sum = 0;
  for (const pid of pids) sum += await rssMiB(pid);
  return sum;
}

/** What `measure` does when a path's load fails. */
interface OnFailure {
  /** Per path, what to add to the failure's message (e.g. the proxy's own log). */
  explain?: Record<string, () => Promise<string>>;
  /**
   * Paths whose failed load is run again (at most four times), with a note on stderr; a round
   * that still fails is left out of that path's median, rather than losing the whole run.
   */
  retry?: readonly string[];
}

/** Each path's median of one figure over interleaved rounds of one workload. */
async function measure(
  paths: Record<string, Record<string, unknown>>,
  workload: Record<string, unknown>,
  onFailure: OnFailure = {},
): Promise<Record<string, Figures>> {
  const runs: Record<string, Figures[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, path] of Object.entries(paths)) {
      const tries = onFailure.retry?.includes(name) ? 5 : 1;
      for (let attempt = 1;; attempt++) {
        try {
          (runs[name] ??= []).push(await load({ ...path, ...workload }));
          break;
        } catch (err) {
          const message = `${name}: ${(err as Error).message}`;
          if (attempt < tries) {
            console.error(`${message}; run again (${attempt} of ${tries - 1})`);
            continue;
          }
          const more = await onFailure.explain?.[name]?.() ?? "";
          const explained = more === "" ? message : `${message}\n${more}`;
          if (tries === 1) throw new Error(explained);
          console.error(`${explained}\n${name}: round ${round + 1} left out of the median`);
          runs[name] ??= [];
          break;
        }
      }
    }
  }
  // A path whose every round failed has no figures: its cells print as n/a.
  return Object.fromEntries(
    Object.entries(runs).map(([name, all]) => [
      name,
      Object.fromEntries(Object.keys(all[0] ?? {}).map((k) => [k, median(all.map((f) => f[k]!))])),
    ]),
  );
}

const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(digits);
const known = (...values: (number | undefined)[]) =>
  values.every((n) => n !== undefined && !Number.isNaN(n));
const ratio = (a: number, b: number) => known(a, b) ? `${fmt(a / b, 2)}x` : "n/a";
const added = (a: number, b: number) =>
  known(a, b) ? `${a >= b ? "+" : ""}${fmt(a - b, 2)} ms` : "n/a";

/**
 * A row of one figure: direct, Squid, egress and egress x2, then `compare` of egress to direct,
 * egress and egress x2 to Squid, and Squid to direct.
 */
function row(
  label: string,
  key: string,
  m: Record<string, Figures>,
  digits: number,
  compare: (a: number, b: number) => string,
): string[] {
  const [d, s, e, e2] = [m.direct![key]!, m.squid![key]!, m.egress![key]!, m.egress2![key]!];
  return [
    label,
    ...[d, s, e, e2].map((n) => fmt(n, digits)),
    compare(e, d),
    compare(e, s),
    compare(e2, s),
    compare(s, d),
  ];
}

/** Every workload on every path, then the table. */
async function main(): Promise<void> {
  await using bed = await startProxyBed(freePort());
  await using bed2 = await startProxyBed(freePort(), { workers: 2 });
  await using squid = await startSquid({
    dir: await Deno.makeTempDir({ prefix: "bb-bench-squid-" }),
    port: freePort(),
    originCa: bed.originCa,
  });
  const direct = { host: "bench.test", port: bed.originPort, ca: bed.originCa };
  const paths = {
    direct,
    squid: {
      ...direct,
      ca: squid.ca,
      proxy: { host: "127.0.0.1", port: squid.port },
      connectPort: bed.originPort,
    },
    egress: { ...direct, ca: bed.proxyCa, proxy: { host: "127.0.0.1", port: bed.proxyPort } },
    egress2: {
      ...direct,
      ca: bed2.proxyCa,
      proxy: { host: "127.0.0.1", port: bed2.proxyPort },
    },
  };
  for (const path of [paths.squid, paths.egress, paths.egress2]) {
    await load({ ...path, mode: "small", seconds: WARM_SECONDS, connections: 8 });
  }
  const explain = { squid: () => squid.logTail().then((tail) => `squid cache.log:\n${tail}`) };
  const small = await measure(paths, { mode: "small", seconds: SECONDS, connections: 8 }, {
    explain,
  });
  const down = await measure(paths, { mode: "download", mb: 50 }, { explain });
  // Uploads go to the origin's upload server (`UPLOAD_ORIGIN`): its `Deno.serve` side failed
  // some 50 MiB uploads through Squid (BadResource), and then no table was printed at all.
  const viaProxy = { connectPort: Number(new URL(UPLOAD_ORIGIN).port) };
  const uploads = {
    direct: { ...direct, port: bed.uploadPort },
    squid: { ...paths.squid, connectPort: bed.uploadPort },
    egress: { ...paths.egress, ...viaProxy },
    egress2: { ...paths.egress2, ...viaProxy },
  };
  // Squid cuts about one 50 MiB upload in three (EPIPE to the client within 100 ms; its
  // cache.log says only "store entry aborted", and with debug logging on it never happens): the
  // yardstick's own flake, so its upload is run again, and says so, rather than failing the run.
  const up = await measure(uploads, { mode: "upload", mb: 50 }, { explain, retry: ["squid"] });
  const rows = [
    // Rates (higher is better) as ratios; latencies as what each proxy adds.
    row("small req/s (8 conns)", "rps", small, 0, ratio),
    row("small p50 ms", "p50", small, 2, added),
    row("small p99 ms", "p99", small, 2, added),
    row("50 MiB download MB/s", "mbps", down, 0, ratio),
    row("50 MiB upload MB/s", "mbps", up, 0, ratio),
  ];

  const memory: string[][] = [];
  const watched = [
    ["squid", paths.squid, [squid.pid]],
    ["egress", paths.egress, [bed.proxyPid]],
    ["egress x2 (sum)", paths.egress2, bed2.proxyPids],
  ] as const;
  for (const [name, path, pids] of watched) {
    const before = await rssOf(pids);
    const cpuBefore = await cpuOf(pids);
    let done = 0;
    while (done < MEMORY_REQUESTS) {
      done += (await load({ ...path, mode: "small", seconds: 5, connections: 8 })).requests!;
    }
    const cpu = await cpuOf(pids) - cpuBefore;
    const after = await rssOf(pids);
    memory.push([
      name,
      String(done),
      fmt(before),
      fmt(after),
      `${fmt(after - before)} MiB`,
      fmt((cpu * 1000) / done, 0),
    ]);
  }

  console.log(`rounds: ${ROUNDS} (median), small: ${SECONDS} s each`);
  printTable([
    "workload",
    "direct",
    "squid",
    "egress",
    "egress x2",
    "egress/direct",
    "egress/squid",
    "x2/squid",
    "squid/direct",
  ], rows);
  console.log("");
  // CPU per request is the figure the machine's load disturbs least: it counts what the proxy
  // itself spent, not how long it waited for a core.
  printTable(
    ["RSS (main process)", "more requests", "before MiB", "after MiB", "growth", "CPU µs/req"],
    memory,
  );
}

await main();
