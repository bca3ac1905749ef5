import type { SelfTestProbe, SelfTestReport } from "./_parse.ts";

/** The launch self-test found isolation ineffective; the agent was not started. */
export class SelfTestError extends Error {
  /** The probes that failed, in report order. */
  readonly failed: readonly SelfTestProbe[];

  /**
   * @param failed The failed probes (at least one).
   * @param options The underlying error, when there is one.
   */
  constructor(failed: readonly SelfTestProbe[], options?: ErrorOptions) {
    const reasons = failed.map((probe) => `${probe.name} ${probe.detail}`).join("; ");
    super(`Isolation self-test failed, the agent was not started: ${reasons}`, options);
    this.name = "SelfTestError";
    this.failed = failed;
  }
}

/**
 * Refuse a launch whose self-test did not pass.
 *
 * @param report The parsed self-test.
 * @throws {SelfTestError} Naming every failed probe, when the report is not ok.
 */
export function assertSelfTest(report: SelfTestReport): void {
  if (report.ok) return;
  const failed = report.probes.filter((probe) => !probe.ok);
  // A report can be not-ok with no failed probe only if it was built by hand; still refuse.
  throw new SelfTestError(
    failed.length > 0 ? failed : [{ name: "self-test", ok: false, detail: "did not pass" }],
  );
}
