/**
 * Where each decoded byte of a run came from: the parent span of the group it was decoded from
 * (4 base64 characters, 8 base32 characters, 2 hex digits with their prefix). The bytes of one
 * group share one entry, and entries sit in plain arrays (grown on the engine's heap, unlike
 * typed arrays past 64 bytes, which take a separately allocated store that is slow to make and
 * to collect: a map is made for every decoded run). Kept only for the decoded bytes a scan may
 * still report, so memory follows the passes' tails, not the run.
 */
export class OffsetMap {
  /** Entries before this index are forgotten. */
  #head = 0;
  /** Per entry: decoded offset of its first byte, and the parent span of its group. */
  #decs: number[] = [];
  #starts: number[] = [];
  #ends: number[] = [];
  /** Decoded bytes recorded so far. */
  #end = 0;

  /** Decoded bytes recorded so far (the next decoded offset). */
  get end(): number {
    return this.#end;
  }

  /** Record the next decoded byte as coming from parent bytes `[start, end)`. */
  add(start: number, end: number): void {
    const last = this.#starts.length - 1;
    // The other bytes of the same group: the entry covers them already.
    if (last < this.#head || this.#starts[last] !== start || this.#ends[last] !== end) {
      this.#decs.push(this.#end);
      this.#starts.push(start);
      this.#ends.push(end);
    }
    this.#end++;
  }

  /** The parent span of decoded `[start, end)`. */
  toParent(start: number, end: number): { start: number; end: number; decoded: boolean } {
    return {
      start: this.#starts[this.#entry(start)]!,
      end: this.#ends[this.#entry(end - 1)]!,
      decoded: true,
    };
  }

  /** Parent offset where decoded byte `dec` begins (Infinity past the recorded bytes). */
  parentOffset(dec: number): number {
    return dec < this.#end ? this.#starts[this.#entry(dec)]! : Infinity;
  }

  /** Drop the entries of decoded offsets before `dec`. */
  forget(dec: number): void {
    let head = this.#head;
    const decs = this.#decs;
    while (head + 1 < decs.length && decs[head + 1]! <= dec) head++;
    this.#head = head;
    // Compact once the dropped entries outnumber the kept ones: amortized constant per entry.
    if (head >= 256 && head * 2 >= decs.length) {
      this.#decs = decs.slice(head);
      this.#starts = this.#starts.slice(head);
      this.#ends = this.#ends.slice(head);
      this.#head = 0;
    }
  }

  /** Index of the entry of decoded byte `dec` (the first kept one for earlier bytes). */
  #entry(dec: number): number {
    const decs = this.#decs;
    let lo = this.#head;
    let hi = decs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (decs[mid]! <= dec) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
