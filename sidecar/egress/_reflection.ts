/**
 * Known secrets coming back (SPEC §6.1 step 9): an origin that echoes its request (a `/headers`
 * endpoint, an error page quoting it) would hand the agent the credential the sidecar injected.
 * The status line's reason phrase and the response headers are scanned here; the body streams
 * through the engine's reflection scanner in `_scanned_response.ts`.
 */
import type { DlpEngine, Finding } from "../../core/dlp/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { summary } from "./_outbound.ts";

/** What the header screen needs. */
export interface ReflectionOptions {
  /** The engine. */
  engine: DlpEngine;
  /** Upstream host, for messages. */
  host: string;
  /** Redact (default) or refuse. */
  onSecret: "redact" | "block";
}

/** A response head as it will be sent. */
export interface ResponseHeadText {
  /** The status line's reason phrase. */
  reason: string;
  /** The headers. */
  headers: HeaderList;
}

/**
 * Screen a response's reason phrase and headers for known secrets.
 *
 * @param head The reason phrase and headers to send (not modified).
 * @param options Engine, host and the route's choice.
 * @returns What to send (reason and values redacted, headers whose name carries a secret
 *   dropped), or a deny when the route refuses.
 */
export function screenResponseHead(
  head: ResponseHeadText,
  options: ReflectionOptions,
): { action: "allow" } & ResponseHeadText | DenyDecision {
  const { reason, headers } = head;
  if (!options.engine.protectsSecrets) return { action: "allow", reason, headers };
  // One scan of the whole head first: almost every response has nothing to find.
  const block = [reason, ...[...headers].map(([name, value]) => `${name}: ${value}`)].join("\r\n");
  const wholeHead = options.engine.scanReflection(block, { location: "response head" });
  if (wholeHead.length === 0) return { action: "allow", reason, headers };
  const inReason = options.engine.scanReflection(reason, { location: "response status line" });
  const out = new HeaderList();
  const found: Finding[] = [...inReason];
  for (const [name, value] of headers) {
    const inName = options.engine.scanReflection(name, { location: "response header name" });
    const inValue = options.engine.scanReflection(value, {
      location: `response header:${name.toLowerCase()}`,
    });
    const whole = options.engine.scanReflection(`${name}: ${value}`, {
      location: "response header",
    });
    found.push(...inName, ...inValue, ...whole);
    if (inName.length > 0 || (whole.length > 0 && inValue.length === 0)) continue;
    out.append(name, inValue.length === 0 ? value : options.engine.redact(value, inValue));
  }
  // The whole head held a secret that no part holds alone (split between two headers, or
  // between the status line and a header): nothing can be redacted, so the response is refused.
  if (found.length === 0) return reflectionDeny(options.host, wholeHead);
  if (options.onSecret === "block") return reflectionDeny(options.host, found);
  return { action: "allow", reason: options.engine.redact(reason, inReason), headers: out };
}

/**
 * The refusal of a response that carries a known secret; never includes it.
 *
 * @param host The upstream host.
 * @param findings What was found.
 * @returns The decision.
 */
export function reflectionDeny(host: string, findings: readonly Finding[]): DenyDecision {
  const first = findings[0]!;
  return {
    action: "deny",
    rule: "dlp_reflection",
    status: 403,
    reason: `response from "${host}" carries a credential of this bottle (${first.snippet}) in ` +
      `${first.location}; the agent must never see it`,
    finding: summary(first),
  };
}
