/** `token_patterns` (outbound, on by default, block): credential formats with a known prefix. */
import type { Detector } from "./_detector.ts";
import { TokenMatcher, TokenPass } from "./_token_scanner.ts";

/** The detector. */
export const TOKEN_PATTERNS = {
  name: "token_patterns",
  direction: "outbound",
  listable: true,
  defaultOn: true,
  emits: ["token_patterns"],
  compile: () => new TokenMatcher(),
  pass: (matcher, scan) => scan.enabled ? new TokenPass(matcher, scan.location) : undefined,
} as const satisfies Detector<"token_patterns", TokenMatcher>;
