/**
 * The scoring model of `naive_injection_detection`. At each hit, every signal whose phrases start
 * at most {@link PAIR_DISTANCE} bytes apart counts once, by its strongest phrase; the carrier the
 * phrases hide in adds its weight; the sum blocks at {@link BLOCK_SCORE}. Two things lower it,
 * because they mark text that *describes* an injection to a human instead of performing one:
 *
 * - a phrase inside a code block, `<pre>`, `<code>`, `<samp>` or `<blockquote>` counts half;
 * - an educational phrase ("for example", "an attacker", "prompt injection"…) before the second
 *   phrase takes off {@link EDUCATIONAL_DISCOUNT}, unless a strong carrier hides the text from the
 *   human reader (an HTML comment, invisible CSS, invisible characters): nothing excuses hiding
 *   it. Only what came before counts, as in prose that introduces an example: the decision cannot
 *   wait, since the proxy forwards a stream of events as soon as each is scanned.
 *
 * So "ignore previous instructions" plus "system prompt" in prose blocks (4.5 + 3); the same in an
 * article that says "for example" warns (4.5); `curl … | sh` after `[SYSTEM]` blocks (3 + 3), in a
 * README's code block it warns (3 / 2), in an HTML comment it blocks (3 + 3).
 */
import {
  BLOCK_SCORE,
  EDUCATIONAL_DISCOUNT,
  PAIR_DISTANCE,
  type Signal,
} from "./_injection_phrases.ts";

/** Where a phrase sits, when that hides it or carries it to a model. */
export interface Carrier {
  readonly label: string;
  readonly weight: number;
  /** Whether an educational phrase nearby may still lower the score (`<script>` data may). */
  readonly excusable: boolean;
}

/** One piece of evidence, at absolute offsets. */
export interface Hit {
  readonly signal: Signal | "hidden_carrier";
  readonly weight: number;
  readonly start: number;
  readonly end: number;
  /** The phrase, or what hides the text. */
  readonly label: string;
  /** The region or field the phrase sits in. */
  readonly carrier: Carrier | undefined;
  /** Inside a code block or quotation. */
  readonly quoted: boolean;
}

/** A blocking decision. */
export interface Verdict {
  readonly rule: string;
  readonly snippet: string;
  readonly start: number;
  readonly end: number;
}

/**
 * Score the evidence that starts at most {@link PAIR_DISTANCE} bytes before a hit.
 *
 * @param hits Every hit so far, sorted by start.
 * @param at The newest hit.
 * @param style An inline style before it that hides its element, if any.
 * @returns The block, or undefined when the score stays below {@link BLOCK_SCORE}.
 */
export function scoreAround(hits: readonly Hit[], at: Hit, style?: Hit): Verdict | undefined {
  const best = new Map<Signal, { hit: Hit; weight: number }>();
  let hidden: { label: string; weight: number; excusable: boolean; hit: Hit } | undefined =
    style === undefined ? undefined : { ...style, excusable: false, hit: style };
  let educational: Hit | undefined;
  for (let i = lowerBound(hits, at.start - PAIR_DISTANCE); i < hits.length; i++) {
    const h = hits[i]!;
    if (h.start > at.start + PAIR_DISTANCE) break;
    if (h.signal === "hidden_carrier") {
      if (hidden === undefined || h.weight > hidden.weight) {
        hidden = { label: h.label, weight: h.weight, excusable: false, hit: h };
      }
      continue;
    }
    if (h.signal === "educational") {
      if (h.carrier === undefined || h.carrier.excusable) educational ??= h;
      continue;
    }
    const weight = h.quoted ? h.weight / 2 : h.weight;
    if ((best.get(h.signal)?.weight ?? 0) < weight) best.set(h.signal, { hit: h, weight });
    const c = h.carrier;
    if (c !== undefined && (hidden === undefined || c.weight > hidden.weight)) {
      hidden = { ...c, hit: h };
    }
  }
  let score = hidden?.weight ?? 0;
  const parts: string[] = [];
  for (const { hit, weight } of best.values()) {
    score += weight;
    parts.push(`${hit.signal} "${hit.label}"${hit.quoted ? " (quoted, half)" : ""}`);
  }
  if (hidden !== undefined) parts.push(`hidden_carrier (${hidden.label})`);
  if (educational !== undefined && (hidden === undefined || hidden.excusable)) {
    score -= EDUCATIONAL_DISCOUNT;
    parts.push(`less ${EDUCATIONAL_DISCOUNT} near "${educational.label}"`);
  }
  if (score < BLOCK_SCORE) return undefined;
  const counted = [...best.values()].map(({ hit }) => hit);
  if (hidden !== undefined) counted.push(hidden.hit);
  const rule = hidden !== undefined
    ? "injection_hidden_carrier"
    : best.has("authority")
    ? "injection_authority"
    : best.has("tool_command")
    ? "injection_tool_command"
    : "injection_pair";
  return {
    rule,
    snippet: `${parts.join(" + ")}: score ${score}`,
    start: Math.min(...counted.map((h) => h.start)),
    end: Math.max(...counted.map((h) => h.end)),
  };
}

/**
 * Insert a hit, keeping the list sorted by start (hits arrive nearly sorted).
 *
 * @param hits The list, sorted by start.
 * @param hit The new hit.
 */
export function insertHit(hits: Hit[], hit: Hit): void {
  let i = hits.length;
  while (i > 0 && hits[i - 1]!.start > hit.start) i--;
  hits.splice(i, 0, hit);
}

/** Index of the first hit that starts at or after `offset`. */
export function lowerBound(hits: readonly Hit[], offset: number): number {
  let lo = 0;
  let hi = hits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hits[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
