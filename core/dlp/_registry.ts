/**
 * Every DLP detector, in the order their passes run. Adding a detector is one file
 * (`_detector_<name>.ts`) and one line here: the engine builds its passes from this list, the
 * route schema takes its listable names from it, and egress and the git scanner take their
 * defaults from it.
 */
import type { Detector, Direction } from "./_detector.ts";
import { CHECKSUMMED } from "./_detector_checksummed.ts";
import { CRLF } from "./_detector_crlf.ts";
import { ENTROPY } from "./_detector_entropy.ts";
import { NAIVE_INJECTION_DETECTION } from "./_detector_injection.ts";
import { KNOWN_SECRETS } from "./_detector_known_secrets.ts";
import { TOKEN_PATTERNS } from "./_detector_token_patterns.ts";
import { URL_ENTROPY } from "./_detector_url_entropy.ts";

/** The registered detectors. */
export const DETECTORS = Object.freeze(
  [
    TOKEN_PATTERNS,
    KNOWN_SECRETS,
    ENTROPY,
    URL_ENTROPY,
    CHECKSUMMED,
    CRLF,
    NAIVE_INJECTION_DETECTION,
  ] as const,
);

type Registered = typeof DETECTORS[number];

/** Names a route may list in `outbound_detectors`. */
export type OutboundDetector = Extract<
  Registered,
  { direction: "outbound"; listable: true }
>["name"];

/** Names a route may list in `inbound_detectors`. */
export type InboundDetector = Extract<Registered, { direction: "inbound"; listable: true }>["name"];

/** Names a route may list, for one direction. */
export type ListableDetector<D extends Direction> = D extends "outbound" ? OutboundDetector
  : InboundDetector;

/**
 * The detectors of a direction that a route may list, in registry order.
 *
 * @param direction Outbound or inbound.
 * @returns Their names (a non-empty tuple, as zod's enum wants it).
 */
export function listableDetectors<D extends Direction>(
  direction: D,
): readonly [ListableDetector<D>, ...ListableDetector<D>[]] {
  const names = DETECTORS.filter((d) => d.direction === direction && d.listable)
    .map((d) => d.name);
  return names as unknown as [ListableDetector<D>, ...ListableDetector<D>[]];
}

/**
 * The detectors of a direction that run when a route lists none.
 *
 * @param direction Outbound or inbound.
 * @returns Their names, in registry order.
 */
export function defaultDetectors<D extends Direction>(
  direction: D,
): readonly ListableDetector<D>[] {
  return DEFAULTS[direction] as readonly ListableDetector<D>[];
}

/** Each direction's defaults, listed once: the proxy asks for them at every request. */
const DEFAULTS: Readonly<Record<Direction, readonly string[]>> = Object.freeze({
  outbound: defaultsOf("outbound"),
  inbound: defaultsOf("inbound"),
});

function defaultsOf(direction: Direction): readonly string[] {
  return Object.freeze(
    DETECTORS.filter((d) => d.direction === direction && d.listable && d.defaultOn)
      .map((d) => d.name),
  );
}

/**
 * The registered detectors of a direction, listable or not.
 *
 * @param direction Outbound or inbound.
 * @returns The descriptors, in registry order.
 */
export function detectorsOf(direction: Direction): readonly Detector[] {
  return DETECTORS.filter((d) => d.direction === direction) as readonly Detector[];
}
