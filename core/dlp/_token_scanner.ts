/**
 * `token_patterns`: finds rule literals with a bigram table, then runs the rule's sticky regex
 * there.
 *
 * Why it is fast: every literal has at least three characters, so of its two bigrams starting at
 * its anchor and the next offset one starts at an even offset. Reading the window as 32-bit words
 * gives the two even-offset bigrams of four bytes with two lookups in a 64 Ki-entry table, and
 * regexes only run where a whole literal was confirmed byte by byte. Anchors are the literal's
 * rarest adjacent bigram pair (`pickAnchor`), since every table hit costs a check.
 */
import type { LeftBoundary, TokenRule } from "./_token_rules.ts";
import { tokenRules } from "./_token_rules.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass, ScanWindow } from "./_window.ts";

/**
 * Context kept before a candidate: the longest lookbehind (a Terraform token's 14-character id
 * before `.atlasv1.`) plus the boundary byte.
 */
const LEFT_CONTEXT = 16;
/** Rules at most this long are re-checked on every push while undecided. */
const SHORT_RULE = 4096;
/** Whether a 16-bit read of two bytes holds the first in its low half. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface Anchor {
  readonly rule: number;
  /** The literal's bytes, lower case when the rule ignores case. */
  readonly literal: Uint8Array;
  readonly offset: number;
  readonly ignoreCase: boolean;
}

interface Candidate {
  readonly start: number;
  readonly rule: number;
  /** Set while the literal itself is still unconfirmed (it ran past the window). */
  readonly anchor: Anchor | undefined;
  /** Do not look again before the window reaches this offset. */
  readonly retryAt: number;
}

/** The immutable tables for the token rules, shared by every scan of an engine. */
export class TokenMatcher {
  /** The rules, in priority order. */
  readonly rules: readonly TokenRule[] = tokenRules();
  /** Bigram (as read through a Uint16 view) → 1 + index into `anchors`, or 0. */
  readonly table = new Uint16Array(65536);
  /** Literal placements per table entry. */
  readonly anchors: (readonly Anchor[])[] = [];
  /**
   * For entries with many placements (`_s` anchors dozens of `twilio_s…` labels), the placements
   * by the byte before the bigram (lower case): those that start there, or whose literal has that
   * byte there. Other entries: `undefined`.
   */
  readonly byPrevious: ((readonly Anchor[])[] | undefined)[] = [];
  /**
   * Per entry, three 256-bit sets (24 words per entry): the bytes that may follow the bigram, the
   * bytes that may come after those, and the bytes that may precede it (the literal's own byte,
   * or one the rule's left boundary allows before a literal that starts at the bigram).
   */
  readonly context: Uint32Array;
  /** The largest `offset` of any anchor: bytes needed before a bigram. */
  readonly maxOffset: number;
  /** Whether the low 16 bits of a 32-bit word hold its first two bytes. */
  readonly littleEndian = LITTLE_ENDIAN;

  constructor() {
    const lists = new Map<number, Anchor[]>();
    let maxOffset = 0;
    this.rules.forEach((rule, index) => {
      for (const [i, text] of rule.literals.entries()) {
        const literal = Uint8Array.from(text, (c) => c.charCodeAt(0));
        const first = rule.anchors[i]!;
        for (const offset of [first, first + 1]) {
          const anchor = { rule: index, literal, offset, ignoreCase: rule.ignoreCase };
          const pair = text.slice(offset, offset + 2);
          for (const spelling of rule.ignoreCase ? caseVariants(pair, offset === 0) : [pair]) {
            const key = bigramKey(spelling.charCodeAt(0), spelling.charCodeAt(1));
            const list = lists.get(key);
            if (list === undefined) lists.set(key, [anchor]);
            else list.push(anchor);
          }
          maxOffset = Math.max(maxOffset, offset);
        }
      }
    });
    this.context = new Uint32Array(lists.size * CONTEXT_WORDS);
    for (const [key, list] of lists) {
      const at = this.anchors.length * CONTEXT_WORDS;
      for (const anchor of list) {
        const { literal, offset, ignoreCase } = anchor;
        for (const [k, set] of [[2, at], [3, at + 8], [-1, at + 16]] as const) {
          const add = (b: number) => this.context[set + (b >>> 5)]! |= 1 << (b & 31);
          const next = literal[offset + k];
          if (next !== undefined) {
            for (const b of spellings(next, ignoreCase)) add(b);
          } else if (k > 0) {
            this.context.fill(~0, set, set + 8);
          } else {
            const { leftBoundary } = this.rules[anchor.rule]!;
            for (let b = 0; b < 256; b++) if (boundaryOk(b, leftBoundary)) add(b);
          }
        }
      }
      this.anchors.push(list);
      this.byPrevious.push(list.length > MANY_ANCHORS ? byPreviousByte(list) : undefined);
      this.table[key] = this.anchors.length;
    }
    this.maxOffset = maxOffset;
  }
}

/** Per-scan state of the token detector. */
export class TokenPass implements ScanPass {
  readonly #m: TokenMatcher;
  readonly #location: string;
  /** Next even absolute offset whose bigram has not been looked up. */
  #bigramPos = 0;
  /** Matches may not start before this (a previous match ended here). */
  #skipUntil = 0;
  /** Undecided candidates, in order; the first one waits for `retryAt`. */
  #deferred: Candidate[] = [];

  constructor(matcher: TokenMatcher, location: string) {
    this.#m = matcher;
    this.#location = location;
  }

  scan(win: ScanWindow, out: Finding[]): void {
    const queue = this.#deferred;
    this.#findLiterals(win, queue);
    queue.sort((a, b) => a.start - b.start || a.rule - b.rule);
    this.#deferred = [];
    // Candidates are decided strictly in order, so a match that may still grow is never
    // overtaken: later candidates wait behind it instead of reporting overlapping findings.
    for (const c of queue) {
      if (c.start < this.#skipUntil) continue;
      if (this.#deferred.length > 0 || (!win.final && c.retryAt > win.end)) {
        this.#deferred.push(c);
      } else if (!this.#verify(win, c, out)) {
        this.#deferred.push({ ...c, retryAt: this.#retryAt(win, c) });
      }
    }
  }

  /**
   * When to run an undecided candidate's regex again. Short rules retry on the next push; the
   * long ones (JWT, private key) wait until the data after the candidate has doubled, so a
   * trickle of tiny chunks costs amortised linear time instead of one full regex run per chunk.
   */
  #retryAt(win: ScanWindow, c: Candidate): number {
    const { maxLength } = this.#m.rules[c.rule]!;
    if (maxLength <= SHORT_RULE) return win.end + 1;
    return Math.min(c.start + maxLength + 1, win.end + Math.max(64, win.end - c.start));
  }

  keepFrom(): number {
    let from = this.#bigramPos - this.#m.maxOffset;
    for (const c of this.#deferred) from = Math.min(from, c.start);
    return Math.max(0, from - LEFT_CONTEXT);
  }

  /** Add a candidate for every literal whose bigram starts at an unseen even offset. */
  #findLiterals(win: ScanWindow, out: Candidate[]): void {
    const { table, context } = this.#m;
    const { bytes, base } = win;
    const words = new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
    const [first, second] = this.#m.littleEndian ? [0, 2] : [2, 0];
    for (let t = (this.#bigramPos - base) >>> 2; t < words.length; t++) {
      const w = words[t]!;
      const lo = table[w & 0xffff]!;
      const hi = table[w >>> 16]!;
      if ((lo | hi) === 0) continue;
      // The two bytes after the bigram rule most hits out before any call (unknown yet: keep
      // the hit).
      if (lo !== 0 && fits(bytes, 4 * t + first, context, lo)) {
        this.#literalsAt(win, base + 4 * t + first, lo, out);
      }
      if (hi !== 0 && fits(bytes, 4 * t + second, context, hi)) {
        this.#literalsAt(win, base + 4 * t + second, hi, out);
      }
    }
    this.#bigramPos = base + 4 * words.length;
    if (!win.final) return;
    for (let q = this.#bigramPos; q + 1 < win.end; q += 2) {
      const entry = table[bigramKey(bytes[q - base]!, bytes[q + 1 - base]!)]!;
      if (entry !== 0) this.#literalsAt(win, q, entry, out);
    }
    this.#bigramPos = win.end + (win.end & 1);
  }

  #literalsAt(win: ScanWindow, q: number, entry: number, out: Candidate[]): void {
    const split = this.#m.byPrevious[entry - 1];
    const previous = win.bytes[q - 1 - win.base];
    const anchors = split === undefined || previous === undefined
      ? this.#m.anchors[entry - 1]!
      : split[lowerCase(previous)]!;
    for (const anchor of anchors) {
      const start = q - anchor.offset;
      if (start < 0) continue;
      if (start + anchor.literal.length > win.end) {
        if (!win.final) out.push({ start, rule: anchor.rule, anchor, retryAt: 0 });
      } else if (literalAt(win, start, anchor)) {
        out.push({ start, rule: anchor.rule, anchor: undefined, retryAt: 0 });
      }
    }
  }

  /** Decide a candidate. Returns false when the window is too short to be sure either way. */
  #verify(win: ScanWindow, c: Candidate, out: Finding[]): boolean {
    const rule = this.#m.rules[c.rule]!;
    const { base, end, final } = win;
    if (c.anchor !== undefined) {
      if (c.start + c.anchor.literal.length > end) return final;
      if (!literalAt(win, c.start, c.anchor)) return true;
    }
    const local = c.start - base;
    if (!boundaryOk(win.bytes[local - 1], rule.leftBoundary)) return true;
    const text = win.text();
    rule.pattern.lastIndex = local;
    const m = rule.pattern.exec(text);
    const decided = final || c.start + rule.maxLength + 1 <= end;
    if (m === null) return decided;
    const matchEnd = c.start + m[0].length;
    if (!decided && matchEnd + rule.slack > end) return false;
    // A value group may begin inside a lookbehind, before the literal (a Telegram bot's id).
    const start = rule.valueGroup ? base + m.indices![1]![0] : c.start;
    if (rule.reject?.(text.slice(start - base, matchEnd - base)) === true) {
      this.#skipUntil = matchEnd;
      return true;
    }
    // Show at most the literal that matched: the rest of the match is the credential.
    const literal = rule.literals.find((l) => text.startsWith(l, local))?.length ?? 0;
    const shown = text.slice(start - base, start - base + Math.min(rule.shown, literal));
    out.push({
      detector: "token_patterns",
      rule: rule.name,
      severity: "block",
      location: this.#location,
      snippet: `${shown}…(${matchEnd - start} chars)`,
      start,
      end: matchEnd,
    });
    this.#skipUntil = matchEnd;
    return true;
  }
}

/** 256-bit sets per table entry in `TokenMatcher.context`, in 32-bit words. */
const CONTEXT_WORDS = 24;

/**
 * Whether the bytes around the bigram at local offset `q` may belong to a literal of table entry
 * `entry` (see `TokenMatcher.context`); bytes outside the window pass.
 */
function fits(bytes: Uint8Array, q: number, sets: Uint32Array, entry: number): boolean {
  const at = entry * CONTEXT_WORDS - CONTEXT_WORDS;
  const c = bytes[q + 2];
  if (c === undefined) return true;
  if ((sets[at + (c >>> 5)]! & (1 << (c & 31))) === 0) return false;
  const d = bytes[q + 3];
  if (d !== undefined && (sets[at + 8 + (d >>> 5)]! & (1 << (d & 31))) === 0) return false;
  const p = bytes[q - 1];
  return p === undefined || (sets[at + 16 + (p >>> 5)]! & (1 << (p & 31))) !== 0;
}

/** A literal byte as the input may spell it. */
function spellings(byte: number, ignoreCase: boolean): number[] {
  if (!ignoreCase) return [byte];
  const ch = String.fromCharCode(byte);
  return [ch.toLowerCase().charCodeAt(0), ch.toUpperCase().charCodeAt(0)];
}

/** Does the anchor's literal occur at absolute offset `start` (inside the window)? */
function literalAt(win: ScanWindow, start: number, anchor: Anchor): boolean {
  const { bytes } = win;
  const { literal, ignoreCase } = anchor;
  const at = start - win.base;
  for (let k = 0; k < literal.length; k++) {
    let b = bytes[at + k]!;
    if (ignoreCase && b >= 65 && b <= 90) b |= 0x20;
    if (b !== literal[k]) return false;
  }
  return true;
}

function boundaryOk(before: number | undefined, boundary: LeftBoundary): boolean {
  if (before === undefined || boundary === "none") return true;
  const lower = before | 0x20;
  const alnum = (before >= 48 && before <= 57) || (lower >= 97 && lower <= 122);
  if (boundary === "alnum") return !alnum;
  return !alnum && before !== 0x5f && before !== 0x2d;
}

/** Entries with more placements than this are split by the byte before the bigram. */
const MANY_ANCHORS = 8;

function lowerCase(byte: number): number {
  return byte >= 65 && byte <= 90 ? byte | 0x20 : byte;
}

/** The placements of one entry by the byte before the bigram (see `TokenMatcher.byPrevious`). */
function byPreviousByte(list: readonly Anchor[]): (readonly Anchor[])[] {
  const anywhere = list.filter((a) => a.offset === 0);
  const split: (readonly Anchor[])[] = new Array(256).fill(anywhere);
  for (const anchor of list) {
    if (anchor.offset === 0) continue;
    const byte = lowerCase(anchor.literal[anchor.offset - 1]!);
    split[byte] = [...split[byte]!, anchor];
  }
  return split;
}

/**
 * The table key of bytes `a` then `b`: what a native 16-bit read of them gives. Every scan's last
 * bytes are looked up through here, so it allocates nothing.
 */
function bigramKey(a: number, b: number): number {
  return LITTLE_ENDIAN ? a | (b << 8) : (a << 8) | b;
}

/**
 * The case spellings of a bigram of a case-insensitive literal that the table holds: lower and
 * upper case, and capitalised when it starts the literal (`secret`, `SECRET`, `Secret`, and the
 * `awsSecretKey` of camel case). Other mixes (`sEcReT`) are not looked for.
 */
function caseVariants(pair: string, atStart: boolean): string[] {
  const lower = pair.toLowerCase();
  const capitalised = lower.charAt(0).toUpperCase() + lower.slice(1);
  return [...new Set([lower, pair.toUpperCase(), ...(atStart ? [capitalised] : [])])];
}
