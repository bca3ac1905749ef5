/**
 * The structure `naive_injection_detection` tracks while it reads: which region a phrase sits in
 * (an HTML comment, a `<script>` body, a code block) and runs of invisible characters. Markers
 * arrive in stream order from the automaton, so the state at a phrase is the state of the text
 * before it, whatever the chunking. A region left open stops counting after
 * {@link REGION_REACH} bytes, so one stray `<!--` or fence cannot colour a whole stream.
 */
import {
  BLOCKING_CARRIER,
  type MarkerKind,
  STRONG_CARRIER,
  WEAK_CARRIER,
} from "./_injection_carriers.ts";
import type { Carrier, Hit } from "./_injection_score.ts";

/** Bytes after its opening marker that an unclosed region still covers. */
export const REGION_REACH = 16 * 1024;
/** Zero-width characters inside words within this many bytes count together. */
const ZERO_WIDTH_REACH = 256;
/** In-word zero-width characters that make a hidden carrier, and that block alone. */
const ZERO_WIDTH_SOME = 3;
const ZERO_WIDTH_MANY = 8;
/** Consecutive tag characters that spell hidden text (emoji flags use at most 7). */
const TAG_RUN = 12;

const NONE = -Infinity;

/** Open regions, by the offset of their opening marker. */
export class Regions {
  #comment = NONE;
  #block = NONE;
  #blockLabel = "";
  #quoteDepth = 0;
  #quote = NONE;
  #fence = NONE;
  #lastFence = { start: NONE, end: NONE };

  /** Apply a marker that starts at `start` and ends at `end`. */
  mark(kind: MarkerKind, label: string, start: number, end: number): void {
    switch (kind) {
      case "comment_open":
        // A comment shown in a Markdown code fence is text, not a hiding place; inside an HTML
        // `<pre>` or `<code>` it is still a comment (showing one there takes `&lt;!--`).
        if (!this.#open(this.#fence, start)) this.#comment = start;
        break;
      case "comment_close":
        this.#comment = NONE;
        break;
      case "block_open":
        if (!this.quotedAt(start)) [this.#block, this.#blockLabel] = [start, label];
        break;
      case "block_close":
        this.#block = NONE;
        break;
      case "quote_open":
        // A code block inside a comment stays hidden.
        if (!this.#open(this.#comment, start)) {
          this.#quoteDepth = this.#open(this.#quote, start) ? Math.min(this.#quoteDepth + 1, 8) : 1;
          this.#quote = start;
        }
        break;
      case "quote_close":
        this.#quoteDepth = Math.max(0, this.#quoteDepth - 1);
        break;
      case "fence":
        // Four backticks are one fence, not two.
        if (start < this.#lastFence.end || this.#open(this.#comment, start)) break;
        this.#lastFence = { start, end };
        this.#fence = this.#open(this.#fence, start) ? NONE : start;
        break;
    }
  }

  /** Whether text at `at` sits in a code block or quotation (and not in a comment, unseen). */
  quotedAt(at: number): boolean {
    if (this.#open(this.#comment, at)) return false;
    return (this.#quoteDepth > 0 && this.#open(this.#quote, at)) || this.#open(this.#fence, at);
  }

  /** The region that hides or carries text at `at`, if any. */
  carrierAt(at: number): Carrier | undefined {
    if (this.#open(this.#comment, at)) {
      return { label: "HTML comment", weight: STRONG_CARRIER, excusable: false };
    }
    if (this.#open(this.#block, at)) {
      return { label: this.#blockLabel, weight: WEAK_CARRIER, excusable: true };
    }
    return undefined;
  }

  #open(since: number, at: number): boolean {
    return at - since <= REGION_REACH;
  }
}

/** Runs of invisible characters: zero-width characters inside words, and tag characters. */
export class InvisibleRuns {
  #zeroWidth: number[] = [];
  #tagRun = 0;
  #tagLast = NONE;

  /**
   * Account for a zero-width character at `start` (its UTF-8 form is 3 bytes long).
   *
   * @param inWord Whether a letter or digit comes just before it.
   * @returns A hidden-carrier hit when this one makes the run dense enough.
   */
  zeroWidth(start: number, inWord: boolean): Hit | undefined {
    if (!inWord) return undefined;
    const recent = this.#zeroWidth.filter((at) => start - at <= ZERO_WIDTH_REACH);
    recent.push(start);
    this.#zeroWidth = recent.slice(-ZERO_WIDTH_MANY);
    const n = recent.length;
    if (n !== ZERO_WIDTH_SOME && n !== ZERO_WIDTH_MANY) return undefined;
    const from = this.#zeroWidth[0]!;
    return hidden(
      `${n} zero-width characters inside words`,
      n === ZERO_WIDTH_MANY ? BLOCKING_CARRIER : STRONG_CARRIER,
      from,
      start + 3,
    );
  }

  /**
   * Account for a tag character at `start` (the first 3 of its 4 UTF-8 bytes).
   *
   * @returns A blocking hidden-carrier hit when the run reaches {@link TAG_RUN} characters.
   */
  tag(start: number): Hit | undefined {
    this.#tagRun = start === this.#tagLast + 4 ? this.#tagRun + 1 : 1;
    this.#tagLast = start;
    if (this.#tagRun !== TAG_RUN) return undefined;
    return hidden(
      `${TAG_RUN}+ invisible tag characters`,
      BLOCKING_CARRIER,
      start - 4 * (TAG_RUN - 1),
      start + 3,
    );
  }
}

/** A hidden-carrier hit. */
export function hidden(label: string, weight: number, start: number, end: number): Hit {
  return {
    signal: "hidden_carrier",
    weight,
    start,
    end,
    label,
    carrier: undefined,
    quoted: false,
  };
}
