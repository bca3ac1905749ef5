/**
 * `naive_injection_detection` (inbound, on by default): a disclosure phrase and a jailbreak
 * phrase close together block; one alone warns.
 */
import type { Detector } from "./_detector.ts";
import { InjectionMatcher, InjectionPass } from "./_injection_scanner.ts";

/** The detector. */
export const NAIVE_INJECTION_DETECTION = {
  name: "naive_injection_detection",
  direction: "inbound",
  listable: true,
  defaultOn: true,
  emits: ["naive_injection_detection"],
  compile: () => new InjectionMatcher(),
  pass: (matcher, scan) => scan.enabled ? new InjectionPass(matcher, scan.location) : undefined,
} as const satisfies Detector<"naive_injection_detection", InjectionMatcher>;
