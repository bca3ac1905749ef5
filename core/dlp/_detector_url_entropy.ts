/**
 * `url_entropy` (outbound, on by default, block): long opaque values in a request URL, see
 * `_url_entropy.ts`. It reads only the `url` location: bodies and headers legitimately carry
 * random values (session IDs, nonces, signatures) that the other detectors judge by format.
 */
import type { Detector } from "./_detector.ts";
import { UrlEntropyPass } from "./_url_entropy.ts";

/** The detector. */
export const URL_ENTROPY = {
  name: "url_entropy",
  direction: "outbound",
  listable: true,
  defaultOn: true,
  emits: ["url_entropy"],
  compile: () => undefined,
  pass: (_state, scan) =>
    scan.enabled && scan.location === "url" ? new UrlEntropyPass(scan.location) : undefined,
} as const satisfies Detector<"url_entropy", undefined>;
