/** Tallies corpus outcomes per class and overall, for the table and the `--json` output. */
import type { CorpusCase } from "../dlp_corpus/mod.ts";
import type { Outcome } from "./_corpus_client.ts";

/** One case's result. */
export interface CaseResult {
  /** Case id. */
  id: string;
  /** Its class. */
  class: string;
  /** Its one-line description. */
  what: string;
  /** Its label. */
  label: CorpusCase["label"];
  /** Its direction. */
  direction: CorpusCase["direction"];
  /** What the proxy (or engine) did. */
  outcome: Outcome["kind"];
  /** The block tag or rule, or what went wrong. */
  detail: string;
}

/** Counts for one class (or a total). */
export interface Tally {
  /** Class name, or `all malicious` / `all benign`. */
  class: string;
  /** Malicious or benign. */
  label: CorpusCase["label"];
  /** `outbound`, `inbound` or `both`. */
  direction: string;
  /** Cases run. */
  cases: number;
  /** Refused or cut. */
  blocked: number;
  /** Client errors (neither blocked nor passed). */
  errors: number;
  /** blocked / cases: the detection rate of malicious classes, the false-positive rate of benign. */
  rate: number;
}

/** Whether an outcome counts as blocked. */
export function isBlocked(outcome: Outcome["kind"]): boolean {
  return outcome === "refused" || outcome === "cut";
}

/**
 * Tally results per class (malicious classes first) and per label.
 *
 * @param results Every case's result.
 * @returns Class rows, then the two totals.
 */
export function tally(results: readonly CaseResult[]): { classes: Tally[]; totals: Tally[] } {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = `${r.label}\0${r.class}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const row = (cls: string, label: CorpusCase["label"], rs: readonly CaseResult[]): Tally => {
    const directions = new Set(rs.map((r) => r.direction));
    const blocked = rs.filter((r) => isBlocked(r.outcome)).length;
    return {
      class: cls,
      label,
      direction: directions.size > 1 ? "both" : [...directions][0] ?? "",
      cases: rs.length,
      blocked,
      errors: rs.filter((r) => r.outcome === "error").length,
      rate: rs.length === 0 ? 0 : blocked / rs.length,
    };
  };
  const classes = [...groups.values()].map((rs) => row(rs[0]!.class, rs[0]!.label, rs))
    .sort((a, b) => a.label === b.label ? 0 : a.label === "malicious" ? -1 : 1);
  const totals = (["malicious", "benign"] as const).map((label) =>
    row(`all ${label}`, label, results.filter((r) => r.label === label))
  );
  return { classes, totals };
}
