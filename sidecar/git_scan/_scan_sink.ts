import type { DlpEngine } from "../../src/dlp/mod.ts";
import type { DiffSink } from "./_diff_parser.ts";
import { FileScan, type LineFinding } from "./_file_scan.ts";
import type { PushFinding } from "./_types.ts";

/** Decides whether an added line counts (for merges: added relative to every parent). */
export type LineFilter = (path: string, line: number) => boolean;

/** What a {@link ScanSink} scans with and reports to. */
export interface ScanSinkOptions {
  dlp: DlpEngine;
  /** Scratch buffer shared by every file scan. */
  stage: Uint8Array;
  ref: string;
  commit: string;
  /** Keep only the added lines it accepts; every added line counts without one. */
  filter?: LineFilter;
  /** Receives each file's findings and scanned byte count when the file ends. */
  report(findings: PushFinding[], bytes: number): void;
}

/** Feeds one commit's added lines, file by file, to the DLP engine. */
export class ScanSink implements DiffSink {
  readonly #options: ScanSinkOptions;
  #path: string | undefined;
  #scan: FileScan | undefined;

  /** Scan the diff of `options.commit` for `options.ref`. */
  constructor(options: ScanSinkOptions) {
    this.#options = options;
  }

  file(path: string | undefined): void {
    this.#path = path;
  }

  hunk(): void {}

  addedLine(line: number): boolean {
    const path = this.#path;
    if (path === undefined) throw new SyntaxError("Cannot scan push: added line in a deleted file");
    if (this.#options.filter !== undefined && !this.#options.filter(path, line)) return false;
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
    const { ref, commit } = this.#options;
    this.#options.report(pushFindings(scan.end(), { ref, commit, file }), scan.bytes);
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
