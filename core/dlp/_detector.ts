/**
 * What a DLP detector is: a named pass over bytes, with the direction it scans, whether a route
 * may list it, and whether it runs when a route says nothing. Each detector is one file
 * (`_detector_<name>.ts`) that exports its descriptor; `_registry.ts` lists them, and the engine,
 * the route schema, egress and the git scanner all read that list.
 */
import type { FindingDetector } from "./_types.ts";
import type { ScanPass } from "./_window.ts";

/** Which traffic a detector reads. */
export type Direction = "outbound" | "inbound";

/** What one engine gives every detector to compile from: the bottle's secrets. */
export interface DetectorInput {
  /** Real credential values. */
  knownSecrets: readonly string[];
  /** The bottle canary, when there is one. */
  canary?: string;
}

/** One scan a detector is asked to take part in. */
export interface DetectorScan {
  /** Copied into every finding: `url`, `header:<name>`, `body`, `log`. */
  location: string;
  /** Whether the route switched this detector on (always true for the ones it cannot list). */
  enabled: boolean;
}

/** A detector, as registered. */
export interface Detector<Name extends string = string, State = unknown> {
  /** The name routes list it by, and the `detector` of its findings. */
  readonly name: Name;
  /** The traffic it reads. */
  readonly direction: Direction;
  /** Whether a route may name it in `outbound_detectors`/`inbound_detectors`. */
  readonly listable: boolean;
  /** Whether it runs when a route lists no detectors. */
  readonly defaultOn: boolean;
  /** Every `detector` label its findings carry. */
  readonly emits: readonly FindingDetector[];
  /** The tables it needs, built once per engine. */
  compile(input: DetectorInput): State;
  /** A pass for one scan (one text, one stream), or `undefined` when it has nothing to do. */
  pass(state: State, scan: DetectorScan): ScanPass | undefined;
}
