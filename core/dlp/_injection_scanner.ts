/**
 * `naive_injection_detection`: one DFA pass over the response finds every signal phrase and every
 * structural marker (comments, script bodies, code blocks, inline styles, invisible characters).
 * Each instruction phrase warns at once (`injection_<signal>`); a block waits until
 * {@link PAIR_DISTANCE} bytes past the phrase have been read, then scores everything near it
 * (`_injection_score.ts`), so the result is the same whatever the chunking. State is bounded: hits
 * within reach of a pending decision, a few open regions, styles not yet read.
 */
import { type Automaton, buildAutomaton, runAutomaton } from "./_automaton.ts";
import {
  BLOCKING_CARRIER,
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

/** Per-scan state of the injection detector. */
export class InjectionPass implements ScanPass {
  readonly #m: InjectionMatcher;
  readonly #location: string;
  #pos = 0;
  #state = 0;
  readonly #regions = new Regions();
  readonly #invisible = new InvisibleRuns();
  /** Evidence within reach of a decision still to come, sorted by start. */
  #hits: Hit[] = [];
  /** Instruction phrases (and blocking carriers) whose decision waits for what follows. */
  #pending: Hit[] = [];
  /** `style` attribute values not read yet, by the offset where the value starts. */
  #styles: number[] = [];
  #lastPhrase = { start: -1, end: -1 };
  #fetchEnd = -Infinity;
  #blockedUpTo = -1;

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
    this.#decide(win, out);
  }

  keepFrom(): number {
    let keep = this.#pos - this.#m.span - Math.max(PAIR_DISTANCE, LOOKBACK);
    if (this.#pending.length > 0) keep = Math.min(keep, this.#pending[0]!.start - PAIR_DISTANCE);
    if (this.#styles.length > 0) keep = Math.min(keep, this.#styles[0]!);
    return Math.max(0, keep);
  }

  #report(win: ScanWindow, j: number, state: number, out: Finding[]): void {
    let phrase: { p: SignalPhrase; start: number } | undefined;
    for (const id of this.#m.automaton.outputs(state)) {
      const pattern = this.#m.patterns[id]!;
      const start = patternStart(win.bytes, j, pattern.text, this.#m.automaton.classes);
      if (start < 0) continue;
      if (pattern.kind === "marker") this.#mark(win, pattern.marker, start, j);
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
      before: false,
    };
    insertHit(this.#hits, hit);
    if (!INSTRUCTIONS.has(p.signal)) return;
    insertHit(this.#pending, hit);
    const where = carrier === undefined ? "" : ` in ${carrier.label}`;
    out.push(this.#finding(`injection_${p.signal}`, "warn", hit, `"${hit.label}"${where}`));
  }

  /** The attribute or JSON field a phrase at `local` (an index into the window) sits in. */
  #field(win: ScanWindow, local: number): Carrier | undefined {
    const label = quotedCarrier(win.bytes, local, Math.max(0, local - LOOKBACK));
    return label === undefined ? undefined : { label, weight: WEAK_CARRIER, excusable: true };
  }

  #mark(win: ScanWindow, marker: Marker, local: number, j: number): void {
    const start = win.base + local;
    const bytes = win.bytes;
    switch (marker.kind) {
      case "style":
        if (!this.#regions.quotedAt(start)) this.#styles.push(win.base + j + 1);
        return;
      case "zero_width": {
        const b = bytes[local - 1] ?? 0;
        const inWord = (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a || (b >= 0x30 && b <= 0x39);
        this.#addHidden(this.#invisible.zeroWidth(start, inWord));
        return;
      }
      case "tag_char":
        this.#addHidden(this.#invisible.tag(start));
        return;
      default:
        this.#regions.mark(marker.kind, marker.label, start, win.base + j + 1);
    }
  }

  #addHidden(hit: Hit | undefined): void {
    if (hit === undefined) return;
    insertHit(this.#hits, hit);
    if (hit.weight >= BLOCKING_CARRIER) insertHit(this.#pending, hit);
  }

  /** Read the styles and score the phrases whose surroundings are now complete. */
  #decide(win: ScanWindow, out: Finding[]): void {
    while (this.#styles.length > 0 && (win.final || this.#styles[0]! + STYLE_READ <= this.#pos)) {
      const from = this.#styles.shift()! - win.base;
      const value = styleValue(win.bytes, from);
      const label = invisibleStyle(value);
      if (label === undefined) continue;
      const at = win.base + from;
      insertHit(this.#hits, {
        ...hidden(label, STRONG_CARRIER, at - 7, at + value.length),
        before: true,
      });
    }
    const ready = win.final ? Infinity : this.#pos - this.#m.span - PAIR_DISTANCE;
    while (this.#pending.length > 0 && this.#pending[0]!.start <= ready) {
      const at = this.#pending.shift()!;
      if (at.start < this.#blockedUpTo) continue;
      const verdict = scoreAround(this.#hits, at);
      if (verdict === undefined) continue;
      // One block per cluster: a later phrase of the same cluster scores the same evidence.
      const seen = verdict.start < this.#blockedUpTo;
      this.#blockedUpTo = Math.max(this.#blockedUpTo, verdict.end);
      if (seen) continue;
      out.push(this.#finding(verdict.rule, "block", verdict, verdict.snippet));
    }
    const oldest = Math.min(this.#pending[0]?.start ?? Infinity, ready + 1);
    const drop = lowerBound(this.#hits, oldest - PAIR_DISTANCE);
    if (drop > 0) this.#hits = this.#hits.slice(drop);
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

/** The value of a `style` attribute: up to its closing quote, at most {@link STYLE_READ} bytes. */
function styleValue(bytes: Uint8Array, from: number): string {
  const quote = bytes[from - 1]!;
  const to = Math.min(bytes.length, from + STYLE_READ);
  let k = from;
  while (k < to && bytes[k] !== quote) k++;
  return String.fromCharCode(...bytes.subarray(from, k));
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
