/**
 * Operator approvals of DLP findings (`egress-token-allow`, SPEC §6.1): an approval lets one
 * value through to one host under the route it was given for, for the life of the bottle's
 * sidecar. The same value sent to another host, or to the same host after its route changed
 * (say, to `block`), is a finding again.
 */
import { createHash } from "node:crypto";
import type { Route } from "../../core/routes/mod.ts";

/** Where an approval holds. */
export interface ApprovalScope {
  /** The upstream host. */
  host: string;
  /** The route the request matched. */
  route: Route;
}

/** The approvals of one proxy. */
export class Approvals {
  readonly #keys = new Set<string>();

  /** Whether `value` was approved for this host and route. */
  has(scope: ApprovalScope, value: string): boolean {
    return this.#keys.has(approvalKey(scope, value));
  }

  /** Remember an approval of `value` for this host and route. */
  add(scope: ApprovalScope, value: string): void {
    this.#keys.add(approvalKey(scope, value));
  }
}

/**
 * A short, stable name of a route's content, for the audit log: two approvals with the same
 * fingerprint were given under the same route.
 *
 * @param route The route.
 * @returns 12 hex digits of the SHA-256 of its canonical JSON.
 */
export function routeFingerprint(route: Route): string {
  return createHash("sha256").update(canonical(route)).digest("hex").slice(0, 12);
}

function approvalKey(scope: ApprovalScope, value: string): string {
  // Hashed, so the set never holds a plain secret next to its host.
  return createHash("sha256")
    .update(`${scope.host}\0${canonical(scope.route)}\0${value}`)
    .digest("hex");
}

function canonical(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      v !== null && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a < b ? -1 : 1))
        : v,
  );
}
