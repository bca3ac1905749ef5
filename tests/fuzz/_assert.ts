/** What the fuzz tests check of a report. */
import assert from "node:assert/strict";
import { formatReport, type Report } from "./_runner.ts";

/** Growth of a server's resident memory past its warm-up that counts as not flat. */
const MAX_GROWTH_KIB = 64 * 1024;

/**
 * Assert a run found nothing, kept the server's memory flat, and reached the outcomes it was
 * built to reach (a fuzzer whose cases all bounce off the first check tests nothing).
 *
 * @param report The run's report.
 * @param reached Outcome labels each case mix must produce at least once.
 */
export function assertClean(report: Report, reached: readonly string[]): void {
  const text = formatReport(report);
  assert.equal(report.failures.length, 0, text);
  assert.equal(report.verdicts.ok, report.cases, text);
  for (const label of reached) {
    assert.ok((report.labels[label] ?? 0) > 0, `no "${label}" outcome:\n${text}`);
  }
  if (report.memory) {
    const growth = report.memory.end.rssKiB - report.memory.warm.rssKiB;
    assert.ok(growth < MAX_GROWTH_KIB, `memory grew ${growth} KiB:\n${text}`);
  }
}
