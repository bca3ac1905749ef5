/**
 * `known_secrets` and `canary`: finds the projections of {@link secretPatterns} in a stream.
 *
 * Why it is fast: the DFA does not run over every byte. Every `stride` bytes the scanner looks at
 * the last four letters/digits before the sample point (skipping separators) and asks a bitset
 * whether that 4-gram occurs in any pattern. A match of `P` alphanumerics always contains a sample
 * point with four of its own alphanumerics before it when `stride <= P - 3`, so only a sample that
 * hits can be inside a match. A hit is confirmed by an 8-gram, since digit runs hit the 4-grams of
 * a secret's hex form all the time: the match holds either the eight alphanumerics up to the
 * sample or, when fewer than eight of its own lie before it, the four before and the four after
 * (P ≥ 15 wherever sampling is used). The DFA then runs over `[sample - span, sample + span]`,
 * where `span` is the longest a match can be. Each byte is fed to the DFA at most once, so the
 * worst case (every sample hits) is one DFA pass, and typical traffic touches one byte in `stride`.
 */
import { type Automaton, buildAutomaton, runAutomaton } from "./_automaton.ts";
import { alnumClass, type SecretPatternSet } from "./_secret_patterns.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

const GRAM = 4;
const CLASSES = 37;
/**
 * Below this stride a sample costs more than feeding the DFA every byte (two interleaved lanes),
 * so short secrets switch to a full scan.
 */
const FULL_SCAN_BELOW = 12;

/** The immutable tables for one secret set, shared by every scan of an engine. */
export class SecretMatcher {
  /** The patterns and their owners. */
  readonly set: SecretPatternSet;
  /** DFA over alphanumeric classes; separators are ignored. */
  readonly automaton: Automaton;
  /** Bitset of every 4-gram that occurs in a pattern. */
  readonly grams: Uint32Array;
  /** Every 8-gram that occurs in a pattern (the same base-36 index, eight digits). */
  readonly grams8 = new Set<number>();
  /** Distance between sample points. */
  readonly stride: number;
  /** The longest span (bytes) a match can cover: the stream overlap this detector needs. */
  readonly span: number;
  /** Feed every byte to the DFA instead of sampling (some pattern is very short). */
  readonly fullScan: boolean;

  /** Compile a non-empty pattern set. */
  constructor(set: SecretPatternSet) {
    this.set = set;
    const classes = new Uint8Array(256);
    for (let b = 0; b < 256; b++) classes[b] = alnumClass(b);
    this.automaton = buildAutomaton(set.patterns.map((p) => p.classes), {
      classes,
      width: CLASSES,
      ignoreClass: 0,
    });
    this.grams = new Uint32Array(Math.ceil(36 ** GRAM / 32));
    let shortest = Infinity;
    let longest = 0;
    for (const { classes: p } of set.patterns) {
      shortest = Math.min(shortest, p.length);
      longest = Math.max(longest, p.length);
      for (let t = GRAM - 1; t < p.length; t++) {
        let idx = 0;
        for (let k = 0, mul = 1; k < GRAM; k++, mul *= 36) idx += (p[t - k]! - 1) * mul;
        this.grams[idx >>> 5]! |= 1 << (idx & 31);
      }
      for (let t = 2 * GRAM - 1; t < p.length; t++) {
        let idx = 0;
        for (let k = 0, mul = 1; k < 2 * GRAM; k++, mul *= 36) idx += (p[t - k]! - 1) * mul;
        this.grams8.add(idx);
      }
    }
    this.stride = shortest - (GRAM - 1);
    this.span = longest + set.maxGap * (longest - 1);
    this.fullScan = this.stride < FULL_SCAN_BELOW;
  }
}

/** Per-scan state of the secret detector. */
export class SecretPass implements ScanPass {
  readonly #m: SecretMatcher;
  readonly #allSecrets: boolean;
  readonly #location: string;
  #sample = 0;
  #dfaPos = 0;
  #dfaUntil = 0;
  #state = 0;

  /** `allSecrets` false reports the canary only (known_secrets switched off for the route). */
  constructor(matcher: SecretMatcher, allSecrets: boolean, location: string) {
    this.#m = matcher;
    this.#allSecrets = allSecrets;
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const { bytes, base, end } = win;
    const { span, stride } = this.#m;
    const { classes } = this.#m.automaton;
    const maxGap = this.#m.set.maxGap;
    if (this.#m.fullScan) {
      this.#dfaUntil = end;
      this.#run(win, end, out);
      return;
    }
    if (this.#dfaPos < this.#dfaUntil) this.#run(win, Math.min(this.#dfaUntil, end), out);
    for (; this.#sample < end; this.#sample += stride) {
      this.#sample = base + nextHit(bytes, this.#m, this.#sample - base, end - base);
      if (this.#sample >= end) break;
      const idx = gramBefore(bytes, classes, this.#sample - base, { maxGap, count: GRAM });
      if (!this.#confirmed(win, idx)) continue;
      const i = this.#sample;
      if (this.#dfaPos < i - span) {
        this.#dfaPos = i - span;
        this.#state = 0;
      }
      this.#dfaUntil = Math.max(this.#dfaUntil, i + span + 1);
      this.#run(win, Math.min(this.#dfaUntil, end), out);
    }
  }

  /**
   * Whether the sample whose 4-gram `idx4` hit may be inside a match: the eight alphanumerics up
   * to it, or its 4-gram and the four after it, form an 8-gram of a pattern. True when the
   * window does not hold enough bytes to tell.
   */
  #confirmed(win: ScanWindow, idx4: number): boolean {
    const { bytes, base } = win;
    const { classes } = this.#m.automaton;
    const maxGap = this.#m.set.maxGap;
    const grams8 = this.#m.grams8;
    const sample = this.#sample - base;
    const back = gramBefore(bytes, classes, sample, { maxGap, count: 2 * GRAM });
    if (back === CUT_OFF || (back >= 0 && grams8.has(back))) return true;
    // The four after the sample, each shifting the 4-gram one place up.
    let ahead = idx4;
    let n = 0;
    let gap = 0;
    let j = sample + 1;
    for (; j < bytes.length && n < GRAM && gap <= maxGap; j++) {
      const c = classes[bytes[j]!]!;
      if (c === 0) {
        gap++;
      } else {
        gap = 0;
        ahead = ahead * 36 + (c - 1);
        n++;
      }
    }
    if (n === GRAM) return grams8.has(ahead);
    return gap <= maxGap && !win.final;
  }

  keepFrom(): number {
    if (this.#m.fullScan) return Math.max(0, this.#dfaPos - this.#m.span - 1);
    // An idle DFA either resumes at #dfaPos (then #dfaPos >= next sample - span) or restarts
    // later, so only a DFA with pending work pins bytes before the next sample.
    const busy = this.#dfaPos < this.#dfaUntil ? this.#dfaPos : this.#sample;
    return Math.max(0, Math.min(this.#sample, busy) - this.#m.span - 1);
  }

  /** Feed the DFA from `#dfaPos` up to absolute offset `until`. */
  #run(win: ScanWindow, until: number, out: Finding[]): void {
    const hits: number[] = [];
    this.#state = runAutomaton(this.#m.automaton, win.bytes, {
      from: this.#dfaPos - win.base,
      to: until - win.base,
      state: this.#state,
      window: this.#m.span,
    }, hits);
    this.#dfaPos = until;
    for (let h = 0; h < hits.length; h += 2) this.#report(win, hits[h]!, hits[h + 1]!, out);
  }

  #report(win: ScanWindow, j: number, state: number, out: Finding[]): void {
    // Trailing separators keep the DFA in an accepting state; the match ended at an alphanumeric.
    if (alnumClass(win.bytes[j]!) === 0) return;
    const { patterns, maxGap } = this.#m.set;
    for (const id of this.#m.automaton.outputs(state)) {
      const pattern = patterns[id]!;
      if (pattern.owner !== -1 && !this.#allSecrets) continue;
      const start = matchStart(win.bytes, j, pattern.classes.length, maxGap);
      if (start < 0) continue;
      const matched = win.text().slice(start, j + 1);
      const variant = describe(pattern.variant, matched, this.#m.set.value(pattern.owner));
      const length = j + 1 - start;
      out.push({
        detector: pattern.owner === -1 ? "canary" : "known_secrets",
        rule: pattern.owner === -1 ? "canary" : `known_secret${variant ? `_${variant}` : ""}`,
        severity: "block",
        location: this.#location,
        snippet: `${variant || "raw"} form of ${
          pattern.owner === -1 ? "the canary" : "a known secret"
        } (${length} chars)`,
        start: win.base + start,
        end: win.base + j + 1,
      });
    }
  }
}

/**
 * The first sample point from local offset `from` (then every `stride` bytes) up to `to` whose
 * 4-gram is one of a pattern's, or the first past `to`. Kept small and apart from the pass so
 * the engine compiles this loop, where the time goes, on its own.
 */
function nextHit(bytes: Uint8Array, m: SecretMatcher, from: number, to: number): number {
  const { stride, grams } = m;
  const { classes } = m.automaton;
  const gram = { maxGap: m.set.maxGap, count: GRAM };
  let at = from;
  for (; at < to; at += stride) {
    let idx: number;
    const c0 = classes[bytes[at]!]!;
    const c1 = at >= GRAM - 1 ? classes[bytes[at - 1]!]! : 0;
    const c2 = at >= GRAM - 1 ? classes[bytes[at - 2]!]! : 0;
    const c3 = at >= GRAM - 1 ? classes[bytes[at - 3]!]! : 0;
    // Four letters or digits in a row (most samples in tokens, base64, identifiers): no
    // separator to skip, so the index needs no loop.
    if (c0 !== 0 && c1 !== 0 && c2 !== 0 && c3 !== 0) {
      idx = c0 - 1 + 36 * (c1 - 1 + 36 * (c2 - 1 + 36 * (c3 - 1)));
    } else {
      idx = gramBefore(bytes, classes, at, gram);
    }
    if (idx >= 0 && (grams[idx >>> 5]! & (1 << (idx & 31))) !== 0) return at;
  }
  return at;
}

/** {@link gramBefore} reached the window's start before it had its alphanumerics. */
const CUT_OFF = -2;

/**
 * The base-36 index (the last one weighing 1) of the last `count` alphanumerics at or before
 * local offset `k`, skipping separator runs of up to `maxGap` bytes: -1 when a longer run comes
 * first, {@link CUT_OFF} when the window starts first.
 */
function gramBefore(
  bytes: Uint8Array,
  classes: Uint8Array,
  k: number,
  { maxGap, count }: { maxGap: number; count: number },
): number {
  let idx = 0;
  let mul = 1;
  let n = 0;
  let gap = 0;
  for (; k >= 0 && n < count && gap <= maxGap; k--) {
    const c = classes[bytes[k]!]!;
    if (c === 0) {
      gap++;
    } else {
      gap = 0;
      idx += (c - 1) * mul;
      mul *= 36;
      n++;
    }
  }
  if (n === count) return idx;
  return gap <= maxGap ? CUT_OFF : -1;
}

/**
 * Walk back from the last alphanumeric of a match over `count` alphanumerics. Returns the index
 * of the first one, or -1 when a separator run longer than `maxGap` splits the match.
 */
function matchStart(bytes: Uint8Array, last: number, count: number, maxGap: number): number {
  let k = last;
  let seen = 0;
  let gap = 0;
  for (; k >= 0; k--) {
    if (alnumClass(bytes[k]!) === 0) {
      if (++gap > maxGap) return -1;
      continue;
    }
    gap = 0;
    if (++seen === count) return k;
  }
  return -1;
}

/** The rule suffix: "" for the secret verbatim, else how it was disguised. */
function describe(variant: string, matched: string, secret: string | undefined): string {
  if (variant === "raw") return matched === secret ? "" : "separated";
  if (variant === "hex" && matched.includes("%")) return "urlencoded";
  return variant === "url" ? "urlencoded" : variant;
}
