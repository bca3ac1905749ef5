/**
 * The `checksummed` detector's keyed national identifiers (`_national_ids.ts`), found by the
 * token scanner's keyword lookup and reported under `checksummed`.
 */
import { NATIONAL_ID_SPECS } from "./_national_ids.ts";
import { compileRules } from "./_token_rules.ts";
import { TokenMatcher } from "./_token_scanner.ts";

/** The compiled lookup, built once per engine. */
export function keyedIdMatcher(): TokenMatcher {
  return new TokenMatcher(compileRules(NATIONAL_ID_SPECS), "checksummed");
}
