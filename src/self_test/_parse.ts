import type { SelfTestTargets } from "../plan/mod.ts";

/** One probe's outcome. */
export interface SelfTestProbe {
  /** `tools`, `proxy`, `tcp ADDR:PORT`, `dns NAME`, or `self-test` for the run as a whole. */
  name: string;
  /** True when the probe saw what an isolated bottle must show. */
  ok: boolean;
  /** What the probe saw, phrased to follow its name. */
  detail: string;
}

/** The outcome of a self-test run. */
export interface SelfTestReport {
  /** True only when every expected probe reported `ok` exactly once and the run exited 0. */
  ok: boolean;
  /** One entry per expected probe, in a fixed order, plus `self-test` when the run misbehaved. */
  probes: SelfTestProbe[];
}

/** The script's exit codes: 0 when every probe passed, 1 when one failed. */
const PROBES_FAILED = 1;

/**
 * Read a self-test run's output. Fails closed: a probe passes only when exactly one well-formed
 * `ok` line names it; a missing line (the probe never ran), a duplicate or garbage is a failure.
 *
 * @param output The exit code and captured streams of the exec.
 * @param targets The targets the argv was built from: they decide which probes must report.
 * @returns The report.
 */
export function parseSelfTest(
  output: { code: number; stdout: string; stderr: string },
  targets: SelfTestTargets,
): SelfTestReport {
  const lines = probeLines(output.stdout);
  const toolsFailed = lines.get("tools")?.some((line) => !line.ok) ?? false;
  const expected = [
    "tools",
    "proxy",
    ...targets.tcp.map((target) => `tcp ${target}`),
    ...targets.dns.map((name) => `dns ${name}`),
  ];
  const probes = expected.map((name) => judge(name, lines.get(name) ?? [], toolsFailed));
  const allOk = probes.every((probe) => probe.ok);
  if (output.code !== 0 && (output.code !== PROBES_FAILED || allOk)) {
    probes.push({ name: "self-test", ok: false, detail: exitDetail(output) });
  }
  return { ok: output.code === 0 && probes.every((probe) => probe.ok), probes };
}

function judge(
  name: string,
  reported: { ok: boolean; detail: string }[],
  toolsFailed: boolean,
): SelfTestProbe {
  const [only, ...more] = reported;
  if (only === undefined) {
    const why = toolsFailed ? "did not run (the tools check failed)" : "did not report a result";
    return { name, ok: false, detail: why };
  }
  if (more.length > 0) {
    return { name, ok: false, detail: `reported ${reported.length} results (expected one)` };
  }
  return { name, ok: only.ok, detail: only.detail };
}

/** Well-formed `probe<TAB>name<TAB>ok|fail<TAB>detail` lines by probe name; others are ignored. */
function probeLines(stdout: string): Map<string, { ok: boolean; detail: string }[]> {
  const byName = new Map<string, { ok: boolean; detail: string }[]>();
  for (const line of stdout.split("\n")) {
    const fields = line.replace(/\r$/, "").split("\t");
    const [tag, name, status, detail] = fields;
    if (fields.length !== 4 || tag !== "probe" || name === undefined || detail === undefined) {
      continue;
    }
    if (status !== "ok" && status !== "fail") continue;
    byName.set(name, [...(byName.get(name) ?? []), { ok: status === "ok", detail }]);
  }
  return byName;
}

function exitDetail(output: { code: number; stderr: string }): string {
  const lastLine = output.stderr.split("\n").map((line) => line.trim()).filter(Boolean).at(-1);
  const why = lastLine === undefined ? "" : `: ${lastLine.slice(0, 300)}`;
  return `exited with code ${output.code}${why}`;
}
