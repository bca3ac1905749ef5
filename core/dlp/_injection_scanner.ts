/**
 * `naive_injection_detection`: one DFA pass over the response finds every signal phrase and every
 * structural marker (comments, script bodies, code blocks, inline styles, invisible characters).
 * Each instruction phrase warns (`injection_<signal>`), and each hit scores the evidence of the
 * {@link PAIR_DISTANCE} bytes before it (`_injection_score.ts`), in stream order, so the result is
 * the same whatever the chunking. State is bounded: the hits and styles within reach, a few open
 * regions.
 */
import { type Automaton, buildAutomaton, runAutomaton } from "./_automaton.ts";
import {
  invisibleStyle,
  LOOKBACK,
  type Marker,
  MARKERS,
  quotedCarrier,
  STRONG_CARRIER,
  STYLE_READ,
  WEAK_CARRIER,
} from "./_injection_carriers.ts";
import { hidden, InvisibleRuns, Regions } from "./_injection_context.ts";
import {
  FETCH_PHRASES,
  FETCH_REACH,
  PAIR_DISTANCE,
  SIGNAL_PHRASES,
  type SignalPhrase,
} from "./_injection_phrases.ts";
import { type Carrier, type Hit, insertHit, lowerBound, scoreAround } from "./_injection_score.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** A whitespace run longer than this separates two words too far to be one phrase. */
const MAX_WHITESPACE_RUN = 64;

const OTHER = 0;
const SPACE = 1;
const WHITESPACE = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0];

type Pattern =
  | { readonly kind: "phrase"; readonly text: string; readonly phrase: SignalPhrase }
  | { readonly kind: "fetch"; readonly text: string }
  | { readonly kind: "marker"; readonly text: string; readonly marker: Marker };

/** Signals that warn on their own and can start a block. */
const INSTRUCTIONS = new Set(["jailbreak", "disclosure", "authority", "tool_command"]);

/** The compiled automaton, shared by every scan of an engine. */
export class InjectionMatcher {
  /** Every pattern, by id. */
  readonly patterns: readonly Pattern[] = [
    ...SIGNAL_PHRASES.map((phrase) => ({ kind: "phrase" as const, text: phrase.text, phrase })),
    ...FETCH_PHRASES.map((text) => ({ kind: "fetch" as const, text })),
    ...MARKERS.map((marker) => ({ kind: "marker" as const, text: marker.text, marker })),
  ];
  /** DFA over case-folded pattern bytes; whitespace runs collapse to one space. */
  readonly automaton: Automaton;
  /** The longest span a pattern can cover. */
  readonly span: number;

  constructor() {
    const classes = new Uint8Array(256);
    let width = SPACE + 1;
    for (const b of WHITESPACE) classes[b] = SPACE;
    for (const { text } of this.patterns) {
      for (const ch of text) {
        const b = ch.charCodeAt(0);
        if (classes[b] !== OTHER) continue;
        classes[b] = width;
        if (b >= 97 && b <= 122) classes[b - 32] = width;
        width++;
      }
    }
    this.automaton = buildAutomaton(
      this.patterns.map(({ text }) => [...text].map((ch) => classes[ch.charCodeAt(0)]!)),
      { classes, width, collapseClass: SPACE },
    );
    this.span = Math.max(
      ...this.patterns.map(({ text }) =>
        text.length + text.split(" ").length * (MAX_WHITESPACE_RUN - 1)
      ),
    );
  }
}

/** An inline `style` attribute, read once its closing quote has been seen. */
interface Style {
  /** Offset of `style=`. */
  readonly at: number;
  /** Offset of the first byte of the value. */
  readonly value: number;
  /** What hides the element (`null`: shown), once read. */
  label?: string | null;
  end?: number;
}

/** Per-scan state of the injection detector. */
export class InjectionPass implements ScanPass {
  readonly #m: InjectionMatcher;
  readonly #location: string;
  #pos = 0;
  #state = 0;
  readonly #regions = new Regions();
  readonly #invisible = new InvisibleRuns();
  /** Evidence within reach of the next hit, sorted by start. */
  #hits: Hit[] = [];
  #styles: Style[] = [];
  #lastPhrase = { start: -1, end: -1 };
  #fetchEnd = -Infinity;
  #blockedUpTo = -1;
  readonly #warned = new Map<string, number>();

  constructor(matcher: InjectionMatcher, location: string) {
    this.#m = matcher;
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const found: number[] = [];
    this.#state = runAutomaton(this.#m.automaton, win.bytes, {
      from: this.#pos - win.base,
      to: win.bytes.length,
      state: this.#state,
      window: this.#m.span,
    }, found);
    for (let h = 0; h < found.length; h += 2) this.#report(win, found[h]!, found[h + 1]!, out);
    this.#pos = win.end;
    const reach = this.#pos - this.#m.span - PAIR_DISTANCE;
    const drop = lowerBound(this.#hits, reach);
    if (drop > 0) this.#hits = this.#hits.slice(drop);
    if (this.#styles.length > 0 && this.#styles[0]!.at < reach) {
      this.#styles = this.#styles.filter((s) => s.at >= reach);
    }
  }

  keepFrom(): number {
    return Math.max(0, this.#pos - this.#m.span - Math.max(PAIR_DISTANCE, LOOKBACK));
  }

  #report(win: ScanWindow, j: number, state: number, out: Finding[]): void {
    let phrase: { p: SignalPhrase; start: number } | undefined;
    for (const id of this.#m.automaton.outputs(state)) {
      const pattern = this.#m.patterns[id]!;
      const start = patternStart(win.bytes, j, pattern.text, this.#m.automaton.classes);
      if (start < 0) continue;
      if (pattern.kind === "marker") this.#mark(win, pattern.marker, start, j, out);
      else if (pattern.kind === "fetch") this.#fetchEnd = win.base + j + 1;
      // Of phrases ending here, the longest: "ignore your instructions", not "your instructions".
      else if (phrase === undefined || start < phrase.start) phrase = { p: pattern.phrase, start };
    }
    if (phrase !== undefined) {
      this.#phrase(win, phrase.p, { start: win.base + phrase.start, j }, out);
    }
  }

  #phrase(
    win: ScanWindow,
    p: SignalPhrase,
    at: { start: number; j: number },
    out: Finding[],
  ): void {
    const { start } = at;
    const end = win.base + at.j + 1;
    if (start < this.#lastPhrase.end) return;
    if (p.afterFetch && start - this.#fetchEnd > FETCH_REACH) return;
    this.#lastPhrase = { start, end };
    // Fields and attributes are excusable carriers, so they do not matter for educational text.
    const carrier = this.#regions.carrierAt(start) ??
      (p.signal === "educational" ? undefined : this.#field(win, start - win.base));
    const hit: Hit = {
      signal: p.signal,
      weight: p.weight,
      start,
      end,
      label: p.label ?? p.text,
      carrier,
      quoted: this.#regions.quotedAt(start),
    };
    // One warning per signal per reach: a flood of phrases must not become a flood of findings.
    const warned = this.#warned.get(p.signal) ?? -Infinity;
    if (INSTRUCTIONS.has(p.signal) && start - warned >= PAIR_DISTANCE) {
      this.#warned.set(p.signal, start);
      const where = carrier === undefined ? "" : ` in ${carrier.label}`;
      out.push(this.#finding(`injection_${p.signal}`, "warn", hit, `"${hit.label}"${where}`));
    }
    this.#add(win, hit, out);
  }

  /** The attribute or JSON field a phrase at `local` (an index into the window) sits in. */
  #field(win: ScanWindow, local: number): Carrier | undefined {
    const label = quotedCarrier(win.bytes, local, Math.max(0, local - LOOKBACK));
    return label === undefined ? undefined : { label, weight: WEAK_CARRIER, excusable: true };
  }

  #mark(win: ScanWindow, marker: Marker, local: number, j: number, out: Finding[]): void {
    const start = win.base + local;
    const bytes = win.bytes;
    switch (marker.kind) {
      case "style":
        if (!this.#regions.quotedAt(start)) {
          this.#styles.push({ at: start, value: win.base + j + 1 });
        }
        return;
      case "zero_width": {
        const b = bytes[local - 1] ?? 0;
        const inWord = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a || (b >= 0x30 && b <= 0x39);
        const hit = this.#invisible.zeroWidth(start, inWord);
        if (hit !== undefined) this.#add(win, hit, out);
        return;
      }
      case "tag_char": {
        const hit = this.#invisible.tag(start);
        if (hit !== undefined) this.#add(win, hit, out);
        return;
      }
      default:
        this.#regions.mark(marker.kind, marker.label, start, win.base + j + 1);
    }
  }

  /**
   * Record a hit and score what surrounds it so far. Deciding at once, on what came before, is
   * what lets the proxy cut a stream of events before the next one goes out; later evidence is
   * scored when its own hit arrives.
   */
  #add(win: ScanWindow, hit: Hit, out: Finding[]): void {
    insertHit(this.#hits, hit);
    const verdict = scoreAround(this.#hits, hit, this.#styleBefore(win, hit.start));
    if (verdict === undefined) return;
    // One block per cluster: a later phrase of the same cluster scores the same evidence.
    const seen = verdict.start < this.#blockedUpTo;
    this.#blockedUpTo = Math.max(this.#blockedUpTo, verdict.end);
    if (!seen) out.push(this.#finding(verdict.rule, "block", verdict, verdict.snippet));
  }

  /** The nearest inline style before `start`, within reach, that hides its element. */
  #styleBefore(win: ScanWindow, start: number): Hit | undefined {
    for (let i = this.#styles.length - 1; i >= 0; i--) {
      const style = this.#styles[i]!;
      if (style.at < start - PAIR_DISTANCE) break;
      if (style.at >= start) continue;
      if (style.label === undefined) this.#read(win, style, start);
      if (typeof style.label === "string" && style.end! <= start) {
        return hidden(style.label, STRONG_CARRIER, style.at, style.end!);
      }
    }
    return undefined;
  }

  /** Read a style's value, up to its closing quote, without looking at or past `limit`. */
  #read(win: ScanWindow, style: Style, limit: number): void {
    const bytes = win.bytes;
    const from = style.value - win.base;
    const to = Math.min(from + STYLE_READ, limit - win.base);
    const quote = bytes[from - 1]!;
    let k = from;
    while (k < to && bytes[k] !== quote) k++;
    // No closing quote yet: a later phrase may read further.
    if (k === to && k < from + STYLE_READ) return;
    style.label = invisibleStyle(String.fromCharCode(...bytes.subarray(from, k))) ?? null;
    style.end = win.base + k + 1;
  }

  #finding(
    rule: string,
    severity: "block" | "warn",
    span: { start: number; end: number },
    snippet: string,
  ): Finding {
    const { start, end } = span;
    return {
      detector: "naive_injection_detection",
      rule,
      severity,
      location: this.#location,
      snippet,
      start,
      end,
    };
  }
}

/**
 * Walk back from the last byte of a pattern match to its first byte, or -1 when the match is not
 * the pattern's own: a space of a phrase stands for a whitespace run of 1 to
 * {@link MAX_WHITESPACE_RUN} bytes; a marker's whitespace-class byte (`\xa0`) must be itself, as
 * the automaton lets any whitespace run stand for it.
 */
function patternStart(bytes: Uint8Array, last: number, text: string, classes: Uint8Array): number {
  let k = last;
  for (let p = text.length - 1; p >= 0; p--) {
    const c = text.charCodeAt(p);
    if (c !== 0x20) {
      const b = bytes[k] ?? -1;
      if (WHITESPACE.includes(c) ? b !== c : classes[b] !== classes[c]) return -1;
      k--;
      continue;
    }
    let run = 0;
    while (k >= 0 && WHITESPACE.includes(bytes[k]!)) {
      k--;
      if (++run > MAX_WHITESPACE_RUN) return -1;
    }
  }
  return k + 1;
}
