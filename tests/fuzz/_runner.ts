/**
 * The fuzz loop every target shares: start the target, run its cases a few at a time (each from
 * its own seeded stream, so any one replays alone), judge each, watch the server process for an
 * exit or a crash trace, sample its memory after a warm-up and at the end, and save every failing
 * input to a file.
 */
import { join } from "node:path";
import { caseRandom, type Random } from "./_random.ts";
import type { Memory, ServerProcess } from "./_process.ts";

/** How one case ended. */
export type Verdict = "ok" | "crash" | "hang" | "untyped";

/** One case's input and verdict. */
export interface CaseResult {
  /** The verdict. */
  verdict: Verdict;
  /** What kind of answer it got (`400`, `closed`, `refused`, …): the outcome histogram. */
  label: string;
  /** The input, saved when the verdict is not `ok`. */
  input: Uint8Array;
  /** Why it failed. */
  detail?: string;
}

/** A running target. */
export interface Bed extends AsyncDisposable {
  /** The server process under fuzz, when the target is one. */
  process?: ServerProcess;
  /** Generate and run case `index` from its stream. */
  runCase(index: number, r: Random): Promise<CaseResult>;
}

/** A fuzz target. */
export interface Target {
  /** Its name on the command line. */
  name: string;
  /** Cases run at once. */
  concurrency: number;
  /** Start it. */
  start(): Promise<Bed>;
}

/** What a run found. */
export interface Report {
  /** The target. */
  target: string;
  /** The run's seed. */
  seed: number;
  /** Cases run. */
  cases: number;
  /** Outcome labels and their counts. */
  labels: Record<string, number>;
  /** Cases by verdict. */
  verdicts: Record<Verdict, number>;
  /** Failing cases: their numbers, files and reasons. */
  failures: { index: number; verdict: Verdict; file?: string; detail: string }[];
  /**
   * The server's memory after the warm-up and at the end, and its resident size (KiB) every tenth
   * of the run (none for in-process targets).
   */
  memory?: { warm: Memory; end: Memory; series: number[] };
  /** Wall time in milliseconds. */
  wallMs: number;
}

/** Options of {@link runFuzz}. */
export interface RunOptions {
  /** The run's seed. */
  seed: number;
  /** How many cases (numbered from 0). */
  cases: number;
  /** Run only these case numbers (a replay). */
  only?: readonly number[];
  /** Where failing inputs are written; none when absent. */
  failuresDir?: string;
}

/**
 * Run a target's cases.
 *
 * @param target The target.
 * @param options Seed, case count, replay list and failure folder.
 * @returns The report.
 */
export async function runFuzz(target: Target, options: RunOptions): Promise<Report> {
  const started = performance.now();
  const indices = options.only ?? Array.from({ length: options.cases }, (_, i) => i);
  const report: Report = {
    target: target.name,
    seed: options.seed,
    cases: 0,
    labels: {},
    verdicts: { ok: 0, crash: 0, hang: 0, untyped: 0 },
    failures: [],
    wallMs: 0,
  };
  await using bed = await target.start();
  const warmAfter = Math.min(200, Math.ceil(indices.length / 10));
  const step = Math.max(1, Math.ceil(indices.length / 10));
  const series: number[] = [];
  let warm: Memory | undefined;
  let next = 0;
  let stop = false;
  let blamed = false;
  const worker = async () => {
    while (!stop && next < indices.length) {
      const index = indices[next++]!;
      let result = await runOne(bed, index, options.seed);
      const process = bed.process;
      if (!blamed && process && (process.exited() || process.crashTrace() !== undefined)) {
        // The first case to finish after the server died or printed a trace is the suspect.
        blamed = true;
        const detail = process.crashTrace() ?? process.exitReport() ?? "the server exited";
        result = { ...result, verdict: "crash", detail };
      }
      report.cases++;
      report.labels[result.label] = (report.labels[result.label] ?? 0) + 1;
      report.verdicts[result.verdict]++;
      if (result.verdict !== "ok") {
        const file = await save(options, target.name, index, result.input);
        report.failures.push({
          index,
          verdict: result.verdict,
          ...(file === undefined ? {} : { file }),
          detail: result.detail ?? result.label,
        });
      }
      if (bed.process?.exited()) stop = true;
      if (bed.process && !bed.process.exited()) {
        if (warm === undefined && report.cases >= warmAfter) warm = await bed.process.memory();
        if (report.cases % step === 0) series.push((await bed.process.memory()).rssKiB);
      }
    }
  };
  await Promise.all(Array.from({ length: target.concurrency }, worker));
  if (bed.process) {
    const process = bed.process;
    const trace = process.crashTrace();
    if ((process.exited() || trace !== undefined) && !blamed) {
      report.verdicts.crash++;
      const detail = trace ?? process.exitReport() ?? "the server exited";
      report.failures.push({ index: -1, verdict: "crash", detail });
    } else if (!process.exited()) {
      report.memory = { warm: warm ?? await process.memory(), end: await process.memory(), series };
    }
  }
  report.wallMs = Math.round(performance.now() - started);
  return report;
}

async function runOne(bed: Bed, index: number, seed: number): Promise<CaseResult> {
  try {
    return await bed.runCase(index, caseRandom(seed, index));
  } catch (err) {
    // The harness itself failed (a refused connection): the server is gone or not listening.
    return {
      verdict: "crash",
      label: "harness_error",
      input: new Uint8Array(),
      detail: String(err),
    };
  }
}

async function save(
  options: RunOptions,
  target: string,
  index: number,
  input: Uint8Array,
): Promise<string | undefined> {
  if (options.failuresDir === undefined) return undefined;
  await Deno.mkdir(options.failuresDir, { recursive: true });
  const file = join(options.failuresDir, `${target}-seed${options.seed}-case${index}.bin`);
  await Deno.writeFile(file, input);
  return file;
}

/**
 * The report as lines for a person: the seed, counts, memory, time, and each failure with the
 * command that replays it.
 *
 * @param report The report.
 * @returns The text.
 */
export function formatReport(report: Report): string {
  const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
  const lines = [
    `${report.target}: seed ${report.seed}, ${report.cases} cases in ${
      (report.wallMs / 1000).toFixed(1)
    } s`,
    `  crashes ${report.verdicts.crash}, hangs ${report.verdicts.hang}, untyped errors ${report.verdicts.untyped}`,
    `  outcomes ${
      Object.entries(report.labels).sort(([, a], [, b]) => b - a).map(([k, v]) => `${k}=${v}`).join(
        " ",
      )
    }`,
  ];
  if (report.memory) {
    const { warm, end } = report.memory;
    lines.push(
      `  memory: RSS ${mib(warm.rssKiB)} after warm-up, ${mib(end.rssKiB)} at the end ` +
        `(${end.rssKiB >= warm.rssKiB ? "+" : ""}${mib(end.rssKiB - warm.rssKiB)}), peak ${
          mib(end.peakKiB)
        }`,
      `  RSS every tenth: ${report.memory.series.map((k) => (k / 1024).toFixed(0)).join(" ")} MiB`,
    );
  }
  for (const f of report.failures.slice(0, 20)) {
    lines.push(
      `  FAIL case ${f.index} (${f.verdict})${f.file ? ` saved to ${f.file}` : ""}: ${
        f.detail.slice(0, 500)
      }`,
    );
    if (f.index >= 0) {
      lines.push(
        `    replay: deno task fuzz ${report.target} --seed ${report.seed} --case ${f.index}`,
      );
    }
  }
  return lines.join("\n");
}
