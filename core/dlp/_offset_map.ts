/**
 * Where each decoded byte of a run came from: the parent span of the group it was decoded from
 * (4 base64 characters, 8 base32 characters, 2 hex digits with their prefix). Kept only for the
 * decoded bytes a scan may still report, so memory follows the passes' tails, not the run.
 */
export class OffsetMap {
  /** Decoded offset of entry 0. */
  #base = 0;
  #length = 0;
  // Eight entries fit in the engine's heap (larger typed arrays get a separately allocated
  // store, slow to make and to collect); most decoded runs are short.
  #starts = new Float64Array(8);
  #ends = new Float64Array(8);

  /** Decoded bytes recorded so far (the next decoded offset). */
  get end(): number {
    return this.#base + this.#length;
  }

  /** Record the next decoded byte as coming from parent bytes `[start, end)`. */
  add(start: number, end: number): void {
    if (this.#length === this.#starts.length) {
      const starts = new Float64Array(this.#length * 2);
      const ends = new Float64Array(this.#length * 2);
      starts.set(this.#starts);
      ends.set(this.#ends);
      this.#starts = starts;
      this.#ends = ends;
    }
    this.#starts[this.#length] = start;
    this.#ends[this.#length++] = end;
  }

  /** The parent span of decoded `[start, end)`. */
  toParent(start: number, end: number): { start: number; end: number; decoded: boolean } {
    return {
      start: this.#starts[start - this.#base]!,
      end: this.#ends[end - 1 - this.#base]!,
      decoded: true,
    };
  }

  /** Parent offset where decoded byte `dec` begins (Infinity past the recorded bytes). */
  parentOffset(dec: number): number {
    return dec - this.#base < this.#length
      ? this.#starts[Math.max(0, dec - this.#base)]!
      : Infinity;
  }

  /** Drop the entries of decoded offsets before `dec`. */
  forget(dec: number): void {
    const drop = Math.min(this.#length, dec - this.#base);
    if (drop < 256 || drop * 2 < this.#length) return;
    this.#starts.copyWithin(0, drop, this.#length);
    this.#ends.copyWithin(0, drop, this.#length);
    this.#length -= drop;
    this.#base += drop;
  }
}
