/**
 * `naive_injection_detection`: one DFA pass over the response finds every phrase; a phrase warns,
 * and a disclosure and a jailbreak phrase that do not overlap and start at most
 * {@link PAIR_DISTANCE} bytes apart add a blocking `injection_pair` finding.
 */
import { type Automaton, buildAutomaton, runAutomaton } from "./_automaton.ts";
import { DISCLOSURE_PHRASES, JAILBREAK_PHRASES, PAIR_DISTANCE } from "./_injection_phrases.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/** A whitespace run longer than this separates two words too far to be one phrase. */
const MAX_WHITESPACE_RUN = 64;

const OTHER = 0;
const SPACE = 1;
const WHITESPACE = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0];

interface Phrase {
  readonly text: string;
  readonly kind: "disclosure" | "jailbreak";
}

interface Hit {
  readonly phrase: Phrase;
  readonly start: number;
  readonly end: number;
}

/** The compiled phrase automaton, shared by every scan of an engine. */
export class InjectionMatcher {
  /** Every phrase, by pattern id. */
  readonly phrases: readonly Phrase[] = [
    ...DISCLOSURE_PHRASES.map((text) => ({ text, kind: "disclosure" as const })),
    ...JAILBREAK_PHRASES.map((text) => ({ text, kind: "jailbreak" as const })),
  ];
  /** DFA over case-folded phrase characters; whitespace runs collapse to one space. */
  readonly automaton: Automaton;
  /** The longest span a phrase can cover: the stream overlap this detector needs. */
  readonly span: number;

  constructor() {
    const classes = new Uint8Array(256);
    let width = SPACE + 1;
    for (const b of WHITESPACE) classes[b] = SPACE;
    for (const { text } of this.phrases) {
      for (const ch of text) {
        const b = ch.charCodeAt(0);
        if (classes[b] !== OTHER) continue;
        classes[b] = width;
        if (b >= 97 && b <= 122) classes[b - 32] = width;
        width++;
      }
    }
    this.automaton = buildAutomaton(
      this.phrases.map(({ text }) => [...text].map((ch) => classes[ch.charCodeAt(0)]!)),
      { classes, width, collapseClass: SPACE },
    );
    this.span = Math.max(...this.phrases.map(({ text }) => text.length * MAX_WHITESPACE_RUN));
  }
}

/** Per-scan state of the injection detector. */
export class InjectionPass implements ScanPass {
  readonly #m: InjectionMatcher;
  readonly #location: string;
  #pos = 0;
  #state = 0;
  readonly #last: { disclosure?: Hit; jailbreak?: Hit } = {};

  constructor(matcher: InjectionMatcher, location: string) {
    this.#m = matcher;
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const hits: number[] = [];
    this.#state = runAutomaton(this.#m.automaton, win.bytes, {
      from: this.#pos - win.base,
      to: win.bytes.length,
      state: this.#state,
      window: this.#m.span,
    }, hits);
    for (let h = 0; h < hits.length; h += 2) this.#report(win, hits[h]!, hits[h + 1]!, out);
    this.#pos = win.end;
  }

  keepFrom(): number {
    return Math.max(0, this.#pos - this.#m.span);
  }

  #report(win: ScanWindow, j: number, state: number, out: Finding[]): void {
    for (const id of this.#m.automaton.outputs(state)) {
      const phrase = this.#m.phrases[id]!;
      const start = phraseStart(win.bytes, j, phrase.text);
      if (start < 0) continue;
      const hit = { phrase, start: win.base + start, end: win.base + j + 1 };
      out.push(this.#finding(`injection_${phrase.kind}`, "warn", hit, `"${phrase.text}"`));
      const other = this.#last[phrase.kind === "disclosure" ? "jailbreak" : "disclosure"];
      if (
        other !== undefined && Math.abs(hit.start - other.start) <= PAIR_DISTANCE &&
        (other.end <= hit.start || hit.end <= other.start)
      ) {
        const [a, b] = other.start < hit.start ? [other, hit] : [hit, other];
        const pair = { start: a.start, end: Math.max(a.end, b.end) };
        out.push(
          this.#finding("injection_pair", "block", pair, `"${a.phrase.text}" … "${b.phrase.text}"`),
        );
      }
      this.#last[phrase.kind] = hit;
    }
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
 * Walk back from the last byte of a phrase match to its first byte. Each space of the phrase
 * stands for a whitespace run of 1 to {@link MAX_WHITESPACE_RUN} bytes; -1 when a run is longer.
 */
function phraseStart(bytes: Uint8Array, last: number, phrase: string): number {
  let k = last;
  for (let p = phrase.length - 1; p >= 0; p--) {
    if (phrase[p] !== " ") {
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
