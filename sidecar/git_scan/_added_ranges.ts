import type { DiffSink } from "./_diff_parser.ts";

/**
 * The new-file lines a diff against one parent adds, per path, as `[start, end)` pairs taken from
 * the hunk headers, and the paths it gives files that did not have them. A merge line or path is
 * new only if every parent's diff adds it.
 */
export class AddedRanges implements DiffSink {
  readonly #byPath = new Map<string, number[]>();
  readonly #names = new Set<string>();
  #path: string | undefined;

  /** Whether the diff added line `line` of `path`. */
  has(path: string, line: number): boolean {
    const ranges = this.#byPath.get(path);
    if (ranges === undefined) return false;
    let lo = 0;
    let hi = ranges.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (line < ranges[2 * mid]!) hi = mid - 1;
      else if (line >= ranges[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Whether the diff gave a file the path `path` it did not have before. */
  hasName(path: string): boolean {
    return this.#names.has(path);
  }

  /** Whether the diff added no line and no path at all. */
  get empty(): boolean {
    return this.#byPath.size === 0 && this.#names.size === 0;
  }

  newName(path: string): void {
    this.#names.add(path);
  }

  file(path: string | undefined): void {
    this.#path = path;
  }

  hunk(start: number, count: number): void {
    if (count === 0 || this.#path === undefined) return;
    const ranges = this.#byPath.get(this.#path);
    if (ranges === undefined) this.#byPath.set(this.#path, [start, start + count]);
    else ranges.push(start, start + count);
  }

  addedLine(): boolean {
    return false;
  }

  bytes(): void {}

  endFile(): void {
    this.#path = undefined;
  }
}
