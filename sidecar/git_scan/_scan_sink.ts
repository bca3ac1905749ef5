import type { DlpEngine, SeamWatch } from "../../core/dlp/mod.ts";
import type { DiffSink } from "./_diff_parser.ts";
import { FileScan, type LineFinding } from "./_file_scan.ts";
import type { PushFinding } from "./_types.ts";

/** Decides what of a diff counts (for merges: what is new relative to every parent). */
export interface AddedFilter {
  /** Whether added line `line` of `path` counts. */
  line(path: string, line: number): boolean;
  /** Whether the new path `path` counts. */
  path(path: string): boolean;
}

const NO_FILTER: AddedFilter = Object.freeze({ line: () => true, path: () => true });

/** What a {@link ScanSink} scans with and reports to. */
export interface ScanSinkOptions {
  dlp: DlpEngine;
  /** Scratch buffer shared by every file scan. */
  stage: Uint8Array;
  ref: string;
  commit: string;
  /** Keep only the added lines and paths it accepts; everything counts without one. */
  filter?: AddedFilter;
  /** The push's watch for a known secret split between one file's added text and the next. */
  seam?: SeamWatch;
  /** Receives each path's and each file's findings and scanned byte count. */
  report(findings: PushFinding[], bytes: number): void;
}

/**
 * Feeds one commit's new paths, then its added lines file by file, to the DLP engine. A path is
 * reported as file `(path)`, line 1, and `gitleaks:allow` never suppresses it: the marker would
 * have to sit in the very name it vouches for.
 */
export class ScanSink implements DiffSink {
  readonly #options: ScanSinkOptions;
  #path: string | undefined;
  #scan: FileScan | undefined;

  /** Scan the diff of `options.commit` for `options.ref`. */
  constructor(options: ScanSinkOptions) {
    this.#options = options;
  }

  newName(path: string): void {
    if (!(this.#options.filter ?? NO_FILTER).path(path)) return;
    if (this.#scan !== undefined) throw new SyntaxError("Cannot scan push: raw line inside a file");
    const scan = new FileScan(this.#options.dlp, this.#options.stage);
    scan.line(1);
    scan.write(new TextEncoder().encode(path));
    const { ref, commit } = this.#options;
    const found = scan.end().map((f) => ({ ...f, suppressed: false }));
    this.#options.report(pushFindings(found, { ref, commit, file: "(path)" }), scan.bytes);
  }

  file(path: string | undefined): void {
    this.#path = path;
  }

  hunk(): void {}

  addedLine(line: number): boolean {
    const path = this.#path;
    if (path === undefined) throw new SyntaxError("Cannot scan push: added line in a deleted file");
    if (!(this.#options.filter ?? NO_FILTER).line(path, line)) return false;
    this.#scan ??= new FileScan(this.#options.dlp, this.#options.stage);
    this.#scan.line(line);
    return true;
  }

  bytes(chunk: Uint8Array): void {
    this.#scan?.write(chunk);
  }

  endFile(): void {
    const scan = this.#scan;
    const file = this.#path;
    this.#scan = undefined;
    this.#path = undefined;
    if (scan === undefined || file === undefined) return;
    const { ref, commit, seam } = this.#options;
    const found = scan.end();
    if (seam !== undefined) {
      for (const finding of seam.check(scan.head)) {
        found.push({ finding, line: scan.firstLine, suppressed: false });
      }
      seam.remember(scan.tail);
    }
    this.#options.report(pushFindings(found, { ref, commit, file }), scan.bytes);
  }
}

/** Place a scan's line findings on `ref`, `commit` and `file`. */
export function pushFindings(
  found: readonly LineFinding[],
  where: Pick<PushFinding, "ref" | "commit" | "file">,
): PushFinding[] {
  return found.map(({ finding, line, suppressed }) => ({
    ...where,
    line,
    rule: finding.rule,
    detector: finding.detector,
    snippet: finding.snippet,
    suppressed,
  }));
}
