/**
 * Outbound DLP on the whole request head (SPEC §6.1 step 8): the method, the target, every header
 * name and value, repeated headers joined the way origins join them (`a, b`; cookies `a; b`),
 * the head as one text (a secret split between a name and its value), and the credentials the
 * policy stripped from the agent's request. Each part is also scanned as the origin decodes it
 * (the engine does that). The injected credential (`Authorization`, or `x-api-key` on a route
 * that injects one) is ours and is not scanned.
 */
import type { Finding, OutboundDetector } from "../../core/dlp/mod.ts";
import { HeaderList } from "../http1/mod.ts";
import { type DenyDecision, isInjectedCredential } from "./policy/mod.ts";
import {
  actionFor,
  ask,
  denyFinding,
  keep,
  type OutboundContext,
  outboundDetectors,
  primary,
} from "./_outbound.ts";

/** The head to screen. */
export interface HeadToScreen {
  /** The upstream host. */
  host: string;
  /** The request method. */
  method: string;
  /** Origin-form target, as it will be sent. */
  target: string;
  /** Headers as they will be sent. */
  headers: HeaderList;
  /** Credential headers the policy removed from the agent's request (never sent). */
  stripped: readonly (readonly [string, string])[];
}

/** Allowed (maybe with a redacted target and headers), or denied. */
export type ScreenResult =
  | { action: "allow"; target: string; headers: HeaderList }
  | DenyDecision;

/** One scanned part of the head. */
interface Part {
  location: string;
  text: string;
  /** Writes a redacted text back; absent when the part cannot be rewritten. */
  rewrite?: (text: string) => void;
  /** Set for the parts that say again what other parts said (joins, the whole head). */
  derived?: boolean;
}

interface Hit {
  finding: Finding;
  value: string;
  part: Part;
}

/**
 * Screen a request head: at once for a clean head (almost every one), else once the findings are
 * judged (an operator may be asked).
 *
 * @param ctx Engine, route, approvals and operator.
 * @param head The head as it will be sent, and what was stripped from it.
 * @returns Allow with the head to send, or a deny.
 */
export function screenHead(
  ctx: OutboundContext,
  head: HeadToScreen,
): ScreenResult | Promise<ScreenResult> {
  const detectors = outboundDetectors(ctx.route);
  const fields: [string, string][] = [];
  const injected: [string, string][] = [];
  // Whether the injected credential already comes last, so the head to send is the one given.
  let inOrder = true;
  for (const field of head.headers) {
    if (isInjectedCredential(field[0], ctx.route)) injected.push(field);
    else {
      fields.push(field);
      inOrder &&= injected.length === 0;
    }
  }
  // Almost every head is clean: its text alone decides, without the parts' rewriters.
  const text = partsText(head.method, head.target, fields, head.stripped);
  if (nothingIn(ctx, text, head.target, detectors)) {
    return {
      action: "allow",
      target: head.target,
      headers: inOrder ? head.headers : sent(fields, injected),
    };
  }
  return screenParts(ctx, head, { detectors, fields, injected });
}

/** {@link screenHead} for a head with something to find: part by part, so each can be rewritten. */
async function screenParts(
  ctx: OutboundContext,
  head: HeadToScreen,
  split: {
    detectors: readonly OutboundDetector[];
    fields: [string, string][];
    injected: readonly [string, string][];
  },
): Promise<ScreenResult> {
  const { detectors, fields, injected } = split;
  let target = head.target;
  let stripped = head.stripped;
  const parts = (): Part[] => [
    { location: "method", text: head.method },
    { location: "url", text: target, rewrite: (text) => target = text },
    ...fields.flatMap(([name, value], i): Part[] => [
      { location: "header name", text: name },
      {
        location: `header:${name.toLowerCase()}`,
        text: value,
        rewrite: (text) => fields[i] = [name, text],
      },
    ]),
    ...joinedParts(fields),
    ...stripped.map(([name, value]): Part => ({
      location: `header:${name.toLowerCase()} (stripped)`,
      text: value,
      // Already removed from what is sent.
      rewrite: () => stripped = [],
    })),
    {
      location: "head",
      text: [`${head.method} ${target}`, ...fields.map(([n, v]) => `${n}: ${v}`)].join("\r\n"),
      derived: true,
    },
  ];
  const scan = (): Hit[] => {
    const hits = parts().flatMap((part) => scanPart(ctx, part, detectors));
    const direct = hits.filter((hit) => hit.part.derived !== true);
    return hits
      .filter((hit) => hit.part.derived !== true || !direct.some((d) => sameValue(d, hit)))
      .filter(({ finding, value }) => keep(ctx, finding, value));
  };
  const allow = (): ScreenResult => ({
    action: "allow",
    target,
    headers: sent(fields, injected),
  });
  const found = scan();
  if (found.length === 0) return allow();
  const action = actionFor(ctx.route, found.map((hit) => hit.finding));
  if (action === "supervise") return (await ask(ctx, head.host, found)) ?? allow();
  if (action === "block") return denyFinding(primary(found), head.host);
  // Redact each part once with all of its findings (offsets stay valid), then scan again: what
  // remains (a header name, a method, a secret split across parts) cannot be rewritten.
  ctx.onRedact(found.map((hit) => hit.finding));
  for (const part of new Set(found.map((hit) => hit.part))) {
    const findings = found.filter((hit) => hit.part === part).map((hit) => hit.finding);
    part.rewrite?.(ctx.engine.redact(part.text, findings));
  }
  const remaining = scan();
  if (remaining.length === 0) return allow();
  return denyFinding(primary(remaining), head.host, "it cannot be redacted");
}

/**
 * Whether every part is clean, in one scan of them all as lines of one text: almost every
 * request has nothing to find, and one scan costs far less than one per part (plus one of the URL
 * alone, for the detectors that read only URLs). The location is a
 * `header:` one so URL-encoded CRLF is looked for too; anything found sends the request through
 * the part-by-part scan, which says where.
 */
function nothingIn(
  ctx: OutboundContext,
  text: string,
  url: string,
  detectors: readonly OutboundDetector[],
): boolean {
  // No part holds a line break (field values and targets cannot), so the text says which part
  // is which, the URL included: it is a sound key for the clean result.
  if (ctx.cleanHeads.has(ctx.engine, ctx.route, text)) return true;
  if (ctx.engine.scanOutbound(text, { detectors, location: "header:(all)" }).length > 0) {
    return false;
  }
  // Some detectors read only URLs (`url_entropy`).
  if (ctx.engine.scanUrl(url, { detectors }).length > 0) return false;
  ctx.cleanHeads.add(ctx.engine, ctx.route, text);
  return true;
}

/** The headers to send: the agent's fields, then the injected credential last. */
function sent(
  fields: readonly (readonly [string, string])[],
  injected: readonly (readonly [string, string])[],
): HeaderList {
  return new HeaderList([...fields, ...injected]);
}

/**
 * Every part's text, in the order `parts()` in `screenParts` lists them, joined with CRLF:
 * the same text without building the parts (objects and closures per header, per request).
 */
function partsText(
  method: string,
  target: string,
  fields: readonly (readonly [string, string])[],
  stripped: readonly (readonly [string, string])[],
): string {
  let text = `${method}\r\n${target}`;
  let head = `${method} ${target}`;
  const seen = new Set<string>();
  let repeated = false;
  for (const [name, value] of fields) {
    text += `\r\n${name}\r\n${value}`;
    head += `\r\n${name}: ${value}`;
    const key = name.toLowerCase();
    repeated ||= seen.has(key);
    seen.add(key);
  }
  if (repeated) { for (const part of joinedParts(fields)) text += `\r\n${part.text}`; }
  for (const [, value] of stripped) text += `\r\n${value}`;
  return `${text}\r\n${head}`;
}

/** A header sent more than once, joined as origins join it. */
function joinedParts(fields: readonly (readonly [string, string])[]): Part[] {
  const byName = new Map<string, string[]>();
  for (const [name, value] of fields) {
    const key = name.toLowerCase();
    byName.set(key, [...byName.get(key) ?? [], value]);
  }
  const parts: Part[] = [];
  for (const [name, values] of byName) {
    if (values.length < 2) continue;
    parts.push({ location: `header:${name} (joined)`, text: values.join(", "), derived: true });
    if (name === "cookie") {
      parts.push({ location: `header:${name} (joined)`, text: values.join("; "), derived: true });
    }
  }
  return parts;
}

function scanPart(
  ctx: OutboundContext,
  part: Part,
  detectors: readonly OutboundDetector[],
): Hit[] {
  const findings = part.location === "url"
    ? ctx.engine.scanUrl(part.text, { detectors })
    : ctx.engine.scanOutbound(part.text, { detectors, location: part.location });
  return findings.map((finding) => ({
    finding,
    value: part.text.slice(finding.start, finding.end),
    part,
  }));
}

/** Whether a derived hit is a direct hit seen again. */
function sameValue(direct: Hit, derived: Hit): boolean {
  return direct.finding.detector === derived.finding.detector &&
    (direct.value.includes(derived.value) || derived.value.includes(direct.value));
}
