/** `entropy` (outbound, opt-in, warn): random-looking base64 runs of 20 to 512 characters. */
import type { Detector } from "./_detector.ts";
import { EntropyPass } from "./_entropy_scanner.ts";

/** The detector. */
export const ENTROPY = {
  name: "entropy",
  direction: "outbound",
  listable: true,
  defaultOn: false,
  emits: ["entropy"],
  compile: () => undefined,
  pass: (_state, scan) => scan.enabled ? new EntropyPass(scan.location) : undefined,
} as const satisfies Detector<"entropy", undefined>;
