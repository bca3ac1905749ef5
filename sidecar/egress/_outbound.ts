/**
 * Outbound DLP (SPEC §6.1 step 8): the URL, headers and body of an allowed request are scanned
 * before anything reaches the upstream, and a match is handled by the route's
 * `outbound_on_match`: `block` (403), `redact` (scrub, re-scan, 403 if a match remains) or
 * `supervise` (hold the request and ask the operator). The canary always blocks.
 */
import { stringify } from "yaml";
import { askOperator, type AskOperatorOptions, refusalReason } from "../../core/queue/mod.ts";
import {
  defaultDetectors,
  type DlpEngine,
  type Finding,
  type OutboundDetector,
  type SeamWatch,
} from "../../core/dlp/mod.ts";
import type { CleanHeads } from "./_clean_heads.ts";
import type { HostSeam } from "./_host_seams.ts";
import type { Route } from "../../core/routes/mod.ts";
import type { DenyDecision, FindingSummary } from "./policy/mod.ts";
import { type Approvals, routeFingerprint } from "./_approvals.ts";

/** Detectors a route scans outbound with (unlisted: the registry's defaults). */
export function outboundDetectors(route: Route): readonly OutboundDetector[] {
  const configured = route.dlp?.outbound_detectors;
  if (configured === false) return [];
  return configured ?? defaultDetectors("outbound");
}

/**
 * The bottle's operator queue, and how long a held request waits for an answer
 * (`EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS`).
 */
export type OperatorQueue = Pick<AskOperatorOptions, "queueDir" | "bottleSlug" | "timeoutMs">;

/** What the outbound guard needs for one request. */
export interface OutboundContext {
  /** The engine. */
  engine: DlpEngine;
  /** The host's watches for a known secret split across requests. */
  seam: HostSeam;
  /** The matched route. */
  route: Route;
  /** Heads already scanned clean by this engine, not scanned again. */
  cleanHeads: CleanHeads;
  /** The upstream host. */
  host: string;
  /** Approvals, each for one value on one host and route, for the life of the bottle. */
  approvals: Approvals;
  /** Where to ask the operator; absent when no queue is configured (supervise fails closed). */
  operator: OperatorQueue | undefined;
  /** Logs warn-level findings. */
  onWarn: (finding: Finding) => void;
  /** Logs findings that were redacted (or stripped) instead of refused. */
  onRedact: (findings: readonly Finding[]) => void;
  /** Writes an approval and its scope to the audit log. */
  onApproved: (record: ApprovalRecord) => void;
}

/** What the audit log says of an operator's approval. */
export interface ApprovalRecord {
  /** The host the approval holds for. */
  host: string;
  /** The route's fingerprint ({@link routeFingerprint}): the approval holds under it only. */
  route: string;
  /** The findings approved, as `detector/rule`. */
  findings: string;
}

/** Fill byte for same-length body redaction. */
export const REDACT_FILL = 0x2a; // "*"

/**
 * Decide what a body finding means, asking the operator when the route says so.
 *
 * @param ctx Engine, route and operator.
 * @param host The upstream host (for messages).
 * @param found Block-severity findings with the values they matched.
 * @returns `redact` (the caller scrubs), `allow` (approved), or a deny.
 */
export async function judgeBodyFindings(
  ctx: OutboundContext,
  host: string,
  found: Array<{ finding: Finding; value: string }>,
): Promise<"redact" | "allow" | DenyDecision> {
  const action = actionFor(ctx.route, found.map((f) => f.finding));
  if (action === "redact") {
    ctx.onRedact(found.map((f) => f.finding));
    return "redact";
  }
  if (action === "supervise") return (await ask(ctx, host, found)) ?? "allow";
  return denyFinding(primary(found), host);
}

/**
 * Check the start of a piece sent to a host (a target, a body's first bytes) against the end of
 * the pieces before it, then remember this one's end. A secret split across them cannot be
 * rewritten in place: a redact route refuses it.
 *
 * @param ctx The outbound context.
 * @param watches The watch this piece continues (remembered), then others it is only checked
 *   against (a body against its own request's target).
 * @param piece The piece's first bytes (latin1), and its last ones to remember.
 * @returns A deny, or undefined when the request may go on.
 */
export function judgeSeam(
  ctx: OutboundContext,
  watches: readonly SeamWatch[],
  piece: { head: string; tail: string },
): undefined | Promise<DenyDecision | undefined> {
  const { head } = piece;
  const found = watches.flatMap((watch) => watch.check(head))
    .map((finding) => ({ finding, value: head.slice(finding.start, finding.end) }))
    .filter(({ finding, value }) => keep(ctx, finding, value));
  watches[0]?.remember(piece.tail);
  // Almost every piece completes no split secret: answered at once.
  if (found.length === 0) return undefined;
  return judgeSplit(ctx, found);
}

/** The verdict on a secret split across two pieces: allowed by an operator, or refused. */
async function judgeSplit(
  ctx: OutboundContext,
  found: { finding: Finding; value: string }[],
): Promise<DenyDecision | undefined> {
  const verdict = await judgeBodyFindings(ctx, ctx.host, found);
  if (verdict === "allow") return undefined;
  return verdict === "redact"
    ? denyFinding(primary(found), ctx.host, "it is split across requests and cannot be redacted")
    : verdict;
}

/**
 * Whether a finding counts: warnings are logged and dropped, and so are values the operator
 * approved for this host and route (on a route that still asks the operator).
 *
 * @param ctx The outbound context.
 * @param finding The finding.
 * @param value The matched value, when known (approvals are remembered by value).
 * @returns True when the finding must be acted on.
 */
export function keep(ctx: OutboundContext, finding: Finding, value: string | undefined): boolean {
  if (finding.severity === "warn") {
    ctx.onWarn(finding);
    return false;
  }
  if (finding.detector === "canary" || value === undefined || value === "") return true;
  if (actionFor(ctx.route, [finding]) !== "supervise") return true;
  return !ctx.approvals.has({ host: ctx.host, route: ctx.route }, value);
}

/**
 * What a route does with findings: the canary always blocks, else its `outbound_on_match`.
 *
 * @param route The route.
 * @param findings Block-severity findings.
 * @returns The action.
 */
export function actionFor(
  route: Route,
  findings: readonly Finding[],
): "block" | "redact" | "supervise" {
  if (findings.some((f) => f.detector === "canary")) return "block";
  return route.outbound_on_match ?? "supervise";
}

/**
 * Ask the operator about findings; an approval is remembered for this host and route.
 *
 * @param ctx The outbound context.
 * @param host The upstream host (for messages).
 * @param found The findings and the values they matched.
 * @returns Undefined when approved, else the deny.
 */
export async function ask(
  ctx: OutboundContext,
  host: string,
  found: Array<{ finding: Finding; value: string }>,
): Promise<DenyDecision | undefined> {
  const first = primary(found);
  if (ctx.operator === undefined) {
    return denyFinding(first, host, "no operator queue is configured, so it cannot be approved");
  }
  const findings = found.map(({ finding: { detector, rule, location, snippet } }) => ({
    detector,
    rule,
    location,
    snippet,
  }));
  const route = routeFingerprint(ctx.route);
  const verdict = await askOperator({
    tool: "egress-token-allow",
    proposedFile: stringify({
      host,
      findings,
      scope: `approving lets these values through to ${host} only, under its current route ` +
        `(${route}), until the bottle stops`,
    }),
    justification: `outbound request to ${host} matched DLP; approve to let it through`,
  }, ctx.operator);
  if (verdict.status !== "approved") {
    return denyFinding(first, host, refusalReason(verdict) ?? "the operator did not approve it");
  }
  for (const { value } of found) {
    if (value !== "") ctx.approvals.add({ host: ctx.host, route: ctx.route }, value);
  }
  ctx.onApproved({
    host: ctx.host,
    route,
    findings: found.map(({ finding }) => `${finding.detector}/${finding.rule}`).join(", "),
  });
  return undefined;
}

/**
 * A deny for a DLP finding; never includes the secret.
 *
 * @param finding The finding.
 * @param host The upstream host.
 * @param extra Optional explanation appended to the reason.
 * @returns The decision.
 */
export function denyFinding(finding: Finding, host: string, extra?: string): DenyDecision {
  const rule = finding.detector === "canary" ? "dlp_canary" : "dlp_outbound";
  const what = finding.detector === "canary"
    ? "the bottle's canary token (proof of exfiltration)"
    : `a secret (${finding.detector}/${finding.rule}, ${finding.snippet})`;
  return {
    action: "deny",
    rule,
    status: 403,
    reason: `request to "${host}" carries ${what} in ${finding.location}${
      extra === undefined ? "" : `; ${extra}`
    }`,
    finding: summary(finding),
  };
}

/**
 * The finding a refusal names: the canary when it is among them (proof of exfiltration, whatever
 * else matched the same bytes), else the first.
 *
 * @param found Findings, at least one.
 */
export function primary(found: readonly { finding: Finding }[]): Finding {
  return (found.find(({ finding }) => finding.detector === "canary") ?? found[0]!).finding;
}

/** What a refusal records about its finding. */
export function summary(finding: Finding): FindingSummary {
  const { detector, rule, location, snippet } = finding;
  return { detector, rule, location, snippet };
}
