/**
 * Run views inside an escape-decoded stretch. Most of a stretch is the parent's input as it was
 * (escapes are a few bytes here and there, the margins around them kilobytes): a run there that no
 * escape touched and no line break borders is the parent's run between the parent's bytes, which
 * the parent's views read one layer shallower, so the run view drops it at its first segment
 * ({@link untouched}). {@link PlainSkip} finds where the next run that is not dropped can start,
 * so the view jumps there instead of finding and dropping each run on the way.
 */
import type { Touched } from "./_branch.ts";
import { CLASS, LINE_BREAK, nextOf } from "./_run_search.ts";
import { NO_WORDS } from "./_window.ts";

const CR = 0x0d;
const LF = 0x0a;

/**
 * Whether the run whose first segment is `bytes[from, end)` and the bytes on either side of it are
 * input the layer above did not decode. Not when a line break borders it: a wrapped run may join
 * lines differently in the parent. Not at the edges of `bytes`, where a neighbour is unknown.
 *
 * @param touched Where the layer above decoded.
 * @param bytes The chunk.
 * @param run The first segment (local offsets) and the input offset of `bytes[0]`.
 */
export function untouched(
  touched: Touched,
  bytes: Uint8Array,
  run: { from: number; end: number; base: number },
): boolean {
  const { from, end, base } = run;
  if (from === 0 || end >= bytes.length) return false;
  const before = bytes[from - 1];
  const after = bytes[end];
  if (before === LF || before === CR || after === LF || after === CR) return false;
  return !touched.within(base + from - 1, base + end + 1);
}

/** Before the first chunk (shared: never written; one skip is made per decoded stretch's view). */
const NO_BYTES = new Uint8Array(0);

/**
 * Where, in one chunk, a run view under escape decoding may resume: every run that starts before
 * the offset it returns ends before it too, inside the chunk, untouched and with no line break on
 * either side, so the view would drop it unread. Offsets asked for must not decrease between
 * {@link PlainSkip.reset}s: the line breaks found are remembered, so a chunk is searched once.
 */
export class PlainSkip {
  #bytes: Uint8Array = NO_BYTES;
  #words: Uint32Array = NO_WORDS;
  #lead = 0;
  #base = 0;
  #touched: Touched | undefined;
  #bit = 0;
  /** The next line break at or after the last offset asked for (the length when none). */
  #break = -1;

  /**
   * Read a new chunk for runs of class `bit`.
   *
   * @param chunk The bytes, their aligned words from `lead` (as for `skipRun`), and the input
   *   offset of the first byte.
   * @param touched Where the layer above decoded.
   * @param bit The runs' class.
   */
  reset(
    chunk: { bytes: Uint8Array; words: Uint32Array; lead: number; base: number },
    touched: Touched,
    bit: number,
  ): void {
    this.#bytes = chunk.bytes;
    this.#words = chunk.words;
    this.#lead = chunk.lead;
    this.#base = chunk.base;
    this.#touched = touched;
    this.#bit = bit;
    this.#break = -1;
  }

  /**
   * The first offset at or after `from` where a run the view must read may start.
   *
   * @param from A local offset where no run is in progress.
   */
  from(from: number): number {
    const bytes = this.#bytes;
    const n = bytes.length;
    // The byte before the chunk is unknown: a run starting at 0 is read.
    if (from === 0 || from >= n) return from;
    // A run is touched when an escape produced one of its bytes or a neighbour.
    const touched = this.#touched!.next(this.#base + from - 1) - this.#base;
    // A line break just before `from` borders a run that starts there.
    const limit = Math.min(n, touched, this.#nextBreak(from - 1));
    if (limit <= from) return from;
    // The run holding the byte before the limit reaches it (or the chunk's end): read it whole.
    let start = limit;
    while (start > from && (CLASS[bytes[start - 1]!]! & this.#bit) !== 0) start--;
    return start;
  }

  /** The first line break at or after `from` that a run's byte sits next to, or the length. */
  #nextBreak(from: number): number {
    const bytes = this.#bytes;
    const n = bytes.length;
    const bit = this.#bit;
    const range = { from, to: n };
    for (;;) {
      if (this.#break < range.from) {
        this.#break = nextOf(bytes, range, this.#words, this.#lead, LINE_BREAK);
      }
      const b = this.#break;
      if (b >= n) return n;
      const before = b > 0 ? CLASS[bytes[b - 1]!]! : bit;
      const after = b + 1 < n ? CLASS[bytes[b + 1]!]! : bit;
      if (((before | after) & bit) !== 0) return b;
      range.from = b + 1;
    }
  }
}
