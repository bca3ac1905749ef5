/**
 * `known_secrets` (outbound, on by default, block): the bottle's own secrets in every encoding,
 * and the canary. The canary shares the secrets' automaton and is scanned on every outbound scan,
 * whatever the route lists: seeing it is proof of exfiltration.
 */
import type { Detector } from "./_detector.ts";
import { secretPatterns } from "./_secret_patterns.ts";
import { SecretMatcher, SecretPass } from "./_secret_scanner.ts";

/** The compiled secrets, and whether the canary is among them. */
export interface SecretTables {
  /** The automaton, when there is anything to look for. */
  matcher: SecretMatcher | undefined;
  /** Whether the canary is one of the patterns. */
  hasCanary: boolean;
  /** How many known secrets were too short to scan for (or duplicates of the canary). */
  ignored: number;
  /** How many known secrets (the canary aside) are scanned for. */
  scanned: number;
}

/** The detector. */
export const KNOWN_SECRETS = {
  name: "known_secrets",
  direction: "outbound",
  listable: true,
  defaultOn: true,
  emits: ["known_secrets", "canary"],
  compile: (input) => {
    const set = secretPatterns(input.knownSecrets, input.canary);
    const owners = new Set(set.patterns.map((p) => p.owner));
    return {
      matcher: set.patterns.length > 0 ? new SecretMatcher(set) : undefined,
      hasCanary: set.patterns.some((p) => p.owner === -1),
      ignored: input.knownSecrets.filter((_, i) => !owners.has(i)).length,
      scanned: input.knownSecrets.filter((_, i) => owners.has(i)).length,
    };
  },
  pass: (tables, scan) =>
    tables.matcher !== undefined && (scan.enabled || tables.hasCanary)
      ? new SecretPass(tables.matcher, scan.enabled, scan.location)
      : undefined,
} as const satisfies Detector<"known_secrets", SecretTables>;
