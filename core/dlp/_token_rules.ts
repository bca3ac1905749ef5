/**
 * The `token_patterns` rules: credential formats, each found at a literal (its prefix, or the
 * label a value sits next to).
 *
 * Every rule starts with one of its `literals`, so the scanner only runs a rule's regex where a
 * literal occurs (found with a bigram table, see `_token_scanner.ts`). Every quantifier is bounded
 * and no two adjacent quantified classes overlap, so one attempt costs at most `maxLength` steps;
 * the left-boundary check means two attempts of the same rule never scan the same run. The rules
 * are data, in three tables with their examples; earlier entries win where two match at one
 * offset, so specific formats come before the generic `sk-` one.
 */
import { CORE_TOKENS } from "./_token_table_core.ts";
import { CLOUD_TOKENS } from "./_token_table_cloud.ts";
import { SAAS_TOKENS } from "./_token_table_saas.ts";
import type { LeftBoundary, TokenSpec } from "./_token_spec.ts";

export type { LeftBoundary } from "./_token_spec.ts";

/** One credential format, compiled. */
export interface TokenRule {
  /** Rule name reported in findings. */
  readonly name: string;
  /** A match starts with one of these. */
  readonly literals: readonly string[];
  /** Compare literals ASCII case-insensitively. */
  readonly ignoreCase: boolean;
  /** Index in each literal of the first of the two bigrams used to find it (needs length ≥ 3). */
  readonly anchor: number;
  /** Sticky regex run at the literal. */
  readonly pattern: RegExp;
  /** Upper bound of a match's length: the stream overlap this rule needs. */
  readonly maxLength: number;
  /** Characters after a match the regex may still look at (1 for a greedy stop or lookahead). */
  readonly slack: number;
  /** Characters that may not precede the match. */
  readonly leftBoundary: LeftBoundary;
  /** Leading characters safe to show in a snippet (the public prefix). */
  readonly shown: number;
  /** When true the finding runs from capture group 1 to the end of the match. */
  readonly valueGroup: boolean;
}

/** Every table entry, in priority order. */
export const TOKEN_SPECS: readonly TokenSpec[] = Object.freeze([
  ...SAAS_TOKENS,
  ...CLOUD_TOKENS,
  ...CORE_TOKENS,
]);

/** Fresh rule objects (sticky regexes carry `lastIndex`, so each engine owns its own). */
export function tokenRules(): TokenRule[] {
  return TOKEN_SPECS.map((spec) => {
    const { source, tp: _tp, fp: _fp, ...rest } = spec;
    const valueGroup = spec.valueGroup ?? false;
    const flags = `${valueGroup ? "d" : ""}${spec.ignoreCase ? "i" : ""}y`;
    return {
      ignoreCase: false,
      anchor: 0,
      slack: 1,
      ...rest,
      valueGroup,
      pattern: new RegExp(source, flags),
    };
  });
}
