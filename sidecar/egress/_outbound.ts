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
} from "../../core/dlp/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import type { HeaderList } from "../http1/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { looseDecode } from "./_percent.ts";

/** Detectors a route scans outbound with (unlisted: the registry's defaults). */
export function outboundDetectors(route: Route): OutboundDetector[] {
  const configured = route.dlp?.outbound_detectors;
  if (configured === false) return [];
  return configured === undefined ? defaultDetectors("outbound") : [...configured];
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
  /** The matched route. */
  route: Route;
  /** Approved values remembered for the life of the bottle. */
  approved: Set<string>;
  /** Where to ask the operator; absent when no queue is configured (supervise fails closed). */
  operator: OperatorQueue | undefined;
  /** Logs warn-level findings. */
  onWarn: (finding: Finding) => void;
}

/** The result of screening: allowed (maybe rewritten) or denied. */
export type ScreenResult = { action: "allow"; target: string } | DenyDecision;

/** Fill byte for same-length body redaction. */
export const REDACT_FILL = 0x2a; // "*"

/**
 * Screen the request line and headers. The injected `Authorization` header is ours and is not
 * scanned (the agent's own was stripped by the policy).
 *
 * @param ctx Engine, route and operator.
 * @param request Host, origin-form target and headers (rewritten in place on redaction).
 * @returns Allow with the (possibly redacted) target, or a deny.
 */
export async function screenHead(
  ctx: OutboundContext,
  request: { host: string; target: string; headers: HeaderList },
): Promise<ScreenResult> {
  const detectors = outboundDetectors(ctx.route);
  let target = request.target;
  const scan = (): Hit[] => {
    const hits = scanText(ctx, target, { detectors, location: "url" });
    for (const [name, value] of request.headers) {
      if (name.toLowerCase() === "authorization") continue;
      hits.push(...scanText(ctx, value, { detectors, location: `header:${name}`, header: name }));
    }
    return hits.filter(({ finding, value }) => keep(ctx, finding, value));
  };
  const found = scan();
  if (found.length === 0) return { action: "allow", target };
  const first = found[0]!.finding;
  const action = actionFor(ctx.route, found.map((f) => f.finding));
  if (action === "redact") {
    // Redact each text once with all of its raw findings (offsets stay valid); a secret seen only
    // percent-decoded cannot be rewritten in place, so the re-scan below refuses it.
    const raw = found.filter((hit) => !hit.decoded);
    const inTarget = raw.filter((hit) => hit.header === undefined).map((hit) => hit.finding);
    if (inTarget.length > 0) target = ctx.engine.redact(target, inTarget);
    for (const name of new Set(raw.flatMap((hit) => hit.header ?? []))) {
      const findings = raw.filter((hit) => hit.header === name).map((hit) => hit.finding);
      request.headers.set(name, ctx.engine.redact(request.headers.get(name) ?? "", findings));
    }
    const remaining = scan();
    if (remaining.length === 0) return { action: "allow", target };
    return denyFinding(remaining[0]!.finding, request.host, "it cannot be redacted");
  }
  if (action === "supervise") {
    const verdict = await ask(ctx, request.host, found);
    return verdict === undefined ? { action: "allow", target } : verdict;
  }
  return denyFinding(first, request.host);
}

/** A finding with the text it was found in and the value it matched. */
interface Hit {
  finding: Finding;
  text: string;
  value: string;
  header?: string;
  /** Found in the percent-decoded form of the text. */
  decoded: boolean;
}

/** Scan a URL or header value as sent and, when it has `%XX` escapes, as the origin decodes it. */
function scanText(
  ctx: OutboundContext,
  text: string,
  options: { detectors: OutboundDetector[]; location: string; header?: string },
): Hit[] {
  const hits: Hit[] = [];
  const run = (value: string, decoded: boolean) => {
    const findings = options.location === "url"
      ? ctx.engine.scanUrl(value, { detectors: options.detectors })
      : ctx.engine.scanOutbound(value, {
        detectors: options.detectors,
        location: options.location,
      });
    for (const finding of findings) {
      hits.push({
        finding,
        text: value,
        value: value.slice(finding.start, finding.end),
        decoded,
        ...(options.header === undefined ? {} : { header: options.header }),
      });
    }
  };
  run(text, false);
  const decoded = looseDecode(text);
  if (decoded === text) return hits;
  // A secret that was not encoded at all is found both ways; report it once.
  const seen = new Set(hits.map((hit) => hit.value));
  const raw = hits.length;
  run(decoded, true);
  return hits.filter((hit, i) => i < raw || !seen.has(hit.value));
}

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
  if (action === "redact") return "redact";
  if (action === "supervise") return (await ask(ctx, host, found)) ?? "allow";
  return denyFinding(found[0]!.finding, host);
}

/**
 * Whether a finding counts: warnings are logged and dropped, approved values are dropped.
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
  return !ctx.approved.has(value);
}

function actionFor(route: Route, findings: readonly Finding[]): "block" | "redact" | "supervise" {
  if (findings.some((f) => f.detector === "canary")) return "block";
  return route.outbound_on_match ?? "supervise";
}

async function ask(
  ctx: OutboundContext,
  host: string,
  found: Array<{ finding: Finding; value: string }>,
): Promise<DenyDecision | undefined> {
  const first = found[0]!.finding;
  if (ctx.operator === undefined) {
    return denyFinding(first, host, "no operator queue is configured, so it cannot be approved");
  }
  const findings = found.map(({ finding: { detector, rule, location, snippet } }) => ({
    detector,
    rule,
    location,
    snippet,
  }));
  const verdict = await askOperator({
    tool: "egress-token-allow",
    proposedFile: stringify({ host, findings }),
    justification: `outbound request to ${host} matched DLP; approve to let it through`,
  }, ctx.operator);
  if (verdict.status !== "approved") {
    return denyFinding(first, host, refusalReason(verdict) ?? "the operator did not approve it");
  }
  for (const { value } of found) if (value !== "") ctx.approved.add(value);
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
  };
}
