// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * DLP benchmark (issue 14): the labelled corpus (`tests/dlp_corpus/`) through the real egress
 * proxy, detection rate per malicious class and false-positive rate per benign class; then the
 * throughput of the stream scanners with every default detector.
 *
 *     deno task bench:dlp [--engine] [--json] [--misses] [--no-corpus] [--no-throughput] [megabytes]
 *
 * - `--engine`: run the corpus through the DLP engine only (seconds, no proxy; approximate).
 * - `--misses`: also list each malicious case that passed and each benign case that was blocked.
 * - `--json`: print one JSON document (per-class rows, totals, every case, throughput) instead
 *   of tables, for diffing runs.
 * - `megabytes`: data per throughput row (50 by default).
 *
 * Each single-detector outbound row also shows the detector's own cost, in CPU ns per byte: its
 * row's time less the canary-only row's (the decoding views and the canary run under every scan).
 *
 * After the throughput rows, a size check scans mixed traffic in one stream of `megabytes / 2`
 * and of `megabytes`: the time must double, not grow faster (the scan is linear). A second one
 * scans each hostile encoding at 128 KiB and 512 KiB: about x4, never near x16.
 *
 * Through the proxy, every corpus host has a route (every path and method, default detectors,
 * `outbound_on_match: block`, `inbound_on_secret: block`), so only DLP (or, for subdomains,
 * exact-host routing) can refuse a case. A case counts as blocked when the proxy refuses it (its
 * block tag) or cuts the answer short, never because the origin answered.
 *
 * @module
 */
import { loadCorpus } from "../dlp_corpus/mod.ts";
import { type Outcome, sendThroughProxy } from "./_corpus_client.ts";
import { EngineJudge } from "./_corpus_engine.ts";
import { startCorpusBed } from "./_corpus_bed.ts";
import { type CaseResult, isBlocked, tally } from "./_corpus_report.ts";
import {
  measureScaling,
  measureThroughput,
  type ScalingRow,
  type ThroughputRow,
} from "./_dlp_throughput.ts";
import { type HostileRow, measureHostileScaling } from "./_dlp_hostile.ts";
import { printTable } from "./_proxy_bed.ts";

const PARALLEL = 8;
const flags = new Set(Deno.args.filter((a) => a.startsWith("--")));
const megabytes = Number(Deno.args.find((a) => /^\d+(\.\d+)?$/.test(a)) ?? 50);
const json = flags.has("--json");
const mode = flags.has("--engine") ? "engine" : "proxy";

async function runCorpus(): Promise<CaseResult[]> {
  const cases = loadCorpus();
  const outcomes: Outcome[] = new Array(cases.length);
  if (mode === "engine") {
    const judge = new EngineJudge();
    cases.forEach((c, i) => outcomes[i] = judge.judge(c));
  } else {
    await using bed = await startCorpusBed(cases);
    const proxy = { port: bed.proxyPort, caPem: bed.proxyCaPem };
    const next = { index: 0 };
    await Promise.all(Array.from({ length: PARALLEL }, async () => {
      for (let i = next.index++; i < cases.length; i = next.index++) {
        outcomes[i] = await sendThroughProxy(cases[i]!, proxy);
      }
    }));
  }
  return cases.map((c, i) => ({
    id: c.id,
    class: c.class,
    what: c.what,
    label: c.label,
    direction: c.direction,
    outcome: outcomes[i]!.kind,
    detail: outcomes[i]!.detail,
  }));
}

function printMisses(results: readonly CaseResult[]): void {
  const misses = results.filter((r) => isBlocked(r.outcome) !== (r.label === "malicious"));
  printTable(
    ["id", "label", "outcome", "detail", "what"],
    misses.map((r) => [r.id, r.label, r.outcome, r.detail, r.what]),
  );
  console.log("");
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

const started = performance.now();
const results = flags.has("--no-corpus") ? [] : await runCorpus();
const corpusSeconds = (performance.now() - started) / 1000;
const { classes, totals } = tally(results);
const throughput: ThroughputRow[] = flags.has("--no-throughput")
  ? []
  : measureThroughput(megabytes);
const scaling: ScalingRow[] = flags.has("--no-throughput") ? [] : measureScaling(megabytes / 2);
const hostile: HostileRow[] = flags.has("--no-throughput") ? [] : measureHostileScaling();

if (json) {
  console.log(
    JSON.stringify(
      { mode, corpusSeconds, totals, classes, throughput, scaling, hostile, cases: results },
      null,
      2,
    ),
  );
} else {
  if (results.length > 0) {
    console.log(
      `DLP corpus through the ${
        mode === "proxy" ? "egress proxy" : "engine only"
      }: ${results.length} cases in ${corpusSeconds.toFixed(1)} s\n`,
    );
    const rows = [...classes, ...totals].map((t) => [
      t.class,
      t.label,
      t.direction,
      String(t.cases),
      String(t.blocked),
      t.errors === 0 ? "" : String(t.errors),
      t.label === "malicious" ? pct(t.rate) : "",
      t.label === "benign" ? pct(t.rate) : "",
    ]);
    printTable([
      "class",
      "label",
      "direction",
      "cases",
      "blocked",
      "errors",
      "detection",
      "false pos.",
    ], rows);
    console.log("");
    if (flags.has("--misses")) printMisses(results);
  }
  if (throughput.length > 0) {
    console.log(
      `DLP stream throughput, ${megabytes} MB per row (${
        megabytes / 2
      } MB for single detectors), 64 KiB chunks`,
    );
    // A single detector's own cost: its row's CPU time per byte less the canary row's (the
    // decoding views and the canary run under every outbound scan).
    const floor = throughput.find((row) => row.label.startsWith("outbound canary only"));
    for (const row of throughput) {
      const alone = floor !== undefined && row !== floor && row.label.startsWith("outbound") &&
        row.label.includes(" only, ");
      const own = alone ? `, ${(1e3 / row.cpuMBs - 1e3 / floor.cpuMBs).toFixed(1)} ns/B own` : "";
      console.log(
        `${row.label.padEnd(48)} ${row.wallMBs.toFixed(0).padStart(6)} MB/s wall ${
          row.cpuMBs.toFixed(0).padStart(6)
        } MB/s cpu  (${row.findings} findings${own})`,
      );
    }
    console.log("\nDLP size check: one stream of mixed traffic, then twice as much (CPU time)");
    for (const row of scaling) {
      console.log(
        `${row.label.padEnd(48)} ${row.megabytes} MB ${row.seconds.toFixed(2)} s, ${
          2 * row.megabytes
        } MB ${row.doubledSeconds.toFixed(2)} s: x${(row.doubledSeconds / row.seconds).toFixed(2)}`,
      );
    }
    console.log(
      "\nDLP hostile encodings: 128 KiB, then 512 KiB (CPU time; linear x4, quadratic x16)",
    );
    for (const row of hostile) {
      console.log(
        `${row.label.padEnd(48)} ${row.seconds.toFixed(3)} s, ${
          row.quadrupledSeconds.toFixed(3)
        } s: x${(row.quadrupledSeconds / row.seconds).toFixed(2)}`,
      );
    }
  }
}
