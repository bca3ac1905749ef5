/**
 * Maps offsets in the scanned text (a file's added lines joined by "\n") back to new-file line
 * numbers. Entries before the DLP stream's settled offset are dropped as the scan advances, so a
 * file with millions of added lines does not keep an entry for each.
 */
export class LineIndex {
  #starts = new Float64Array(256);
  #lines = new Float64Array(256);
  #head = 0;
  #length = 0;

  /** Record that the line numbered `line` starts at offset `start` (offsets ascending). */
  add(start: number, line: number): void {
    if (this.#length === this.#starts.length) this.#makeRoom();
    this.#starts[this.#length] = start;
    this.#lines[this.#length] = line;
    this.#length += 1;
  }

  /**
   * The line number of the line holding offset `pos`.
   *
   * @throws {RangeError} When `pos` lies before every line still indexed.
   */
  lineAt(pos: number): number {
    return this.#lines[this.#find(pos)]!;
  }

  /**
   * The numbers of the lines holding any offset in `[start, end)`, in order.
   *
   * @throws {RangeError} When `start` lies before every line still indexed.
   */
  linesIn(start: number, end: number): number[] {
    let at = this.#find(start);
    const lines = [this.#lines[at]!];
    while (++at < this.#length && this.#starts[at]! < end) lines.push(this.#lines[at]!);
    return lines;
  }

  #find(pos: number): number {
    let lo = this.#head;
    let hi = this.#length - 1;
    if (hi < lo || this.#starts[lo]! > pos) {
      throw new RangeError(`Cannot map scan offset ${pos} to a line`);
    }
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Drop the lines that end before offset `pos` (no later lookup will ask for them). */
  forget(pos: number): void {
    while (this.#head + 1 < this.#length && this.#starts[this.#head + 1]! <= pos) this.#head += 1;
  }

  #makeRoom(): void {
    const live = this.#length - this.#head;
    const size = live * 2 > this.#starts.length ? this.#starts.length * 2 : this.#starts.length;
    const starts = new Float64Array(size);
    const lines = new Float64Array(size);
    starts.set(this.#starts.subarray(this.#head, this.#length));
    lines.set(this.#lines.subarray(this.#head, this.#length));
    this.#starts = starts;
    this.#lines = lines;
    this.#head = 0;
    this.#length = live;
  }
}
