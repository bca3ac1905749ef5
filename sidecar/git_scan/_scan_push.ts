import { AddedRanges } from "./_added_ranges.ts";
import { DiffParser, type DiffSink } from "./_diff_parser.ts";
import { gitText, streamGit } from "./_git_child.ts";
import { LineReader } from "./_line_reader.ts";
import { isZeroId, type RefUpdate, updateProblem } from "./_ref_updates.ts";
import { type LineFilter, ScanSink } from "./_scan_sink.ts";
import type { PushFinding, PushScan, ScanPushOptions } from "./_types.ts";

// --text: binary files are scanned, never skipped. -M: a pure rename adds no line. The prefixes
// are explicit so no diff.noprefix/mnemonicPrefix setting can change the `+++ b/` header.
const DIFF_ARGS = Object.freeze([
  "diff-tree",
  "-p",
  "-r",
  "-U0",
  "--inter-hunk-context=0",
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--text",
  "-M",
  "--src-prefix=a/",
  "--dst-prefix=b/",
  "--no-commit-id",
]);
const STAGE_BYTES = 1 << 20;

/**
 * Find secrets in the lines a push adds, in the commits new to the gate only. Run inside
 * pre-receive, where the pushed refs are not updated yet, so `git rev-list <new> --not --all`
 * lists exactly what the gate has not seen (anything reachable from a gate ref is either
 * upstream already or was scanned when pushed). Deletions are skipped; a commit reachable from
 * several pushed refs is scanned once, for the first of them.
 *
 * @param updates The ref updates from pre-receive stdin.
 * @param options The bare repo, DLP engine, per-git timeout and environment.
 * @returns Every block finding (suppressed ones included) with the commit and byte counts.
 * @throws {TypeError} When an update is malformed (checked before git runs).
 * @throws {Deno.errors.TimedOut} When a git child runs past the timeout.
 * @throws {Error} When git fails or prints a diff that cannot be scanned: refuse the push.
 */
export async function scanPush(
  updates: readonly RefUpdate[],
  options: ScanPushOptions,
): Promise<PushScan> {
  for (const update of updates) {
    const problem = updateProblem(update);
    if (problem !== undefined) {
      throw new TypeError(`Cannot scan push of ${JSON.stringify(update.ref)}: ${problem}`);
    }
  }
  const scanner = new PushScanner(options);
  const tips: string[] = [];
  for (const update of updates) {
    if (isZeroId(update.new)) continue;
    const commits = await newCommits(update.new, tips, options);
    tips.push(update.new);
    for (const { commit, parents } of commits) await scanner.commit(update.ref, commit, parents);
  }
  return scanner.result();
}

/** Commits reachable from `tip` but from no gate ref and no tip scanned before, oldest first. */
async function newCommits(
  tip: string,
  scannedTips: readonly string[],
  options: ScanPushOptions,
): Promise<{ commit: string; parents: string[] }[]> {
  const args = ["rev-list", "--reverse", "--parents", tip, "--not", "--all", ...scannedTips];
  const text = await gitText(args, options);
  return text.split("\n").filter((line) => line !== "").map((line) => {
    const [commit = "", ...parents] = line.split(" ");
    return { commit, parents };
  });
}

class PushScanner {
  readonly #options: ScanPushOptions;
  readonly #stage = new Uint8Array(STAGE_BYTES);
  readonly #findings: PushFinding[] = [];
  #commits = 0;
  #bytes = 0;

  constructor(options: ScanPushOptions) {
    this.#options = options;
  }

  /** Scan what `commit` adds: against its parent, or for a merge, against every parent. */
  async commit(ref: string, commit: string, parents: readonly string[]): Promise<void> {
    this.#commits += 1;
    const last = parents.at(-1) ?? "--root";
    const earlier: AddedRanges[] = [];
    for (const parent of parents.slice(0, -1)) {
      const ranges = new AddedRanges();
      await this.#diff([parent, commit], ranges);
      // Nothing is added relative to this parent, so the merge itself adds nothing.
      if (ranges.empty) return;
      earlier.push(ranges);
    }
    const filter: LineFilter = (path, line) => earlier.every((r) => r.has(path, line));
    await this.#diff(
      [last, commit],
      new ScanSink({
        dlp: this.#options.dlp,
        stage: this.#stage,
        ref,
        commit,
        ...(earlier.length > 0 ? { filter } : {}),
        report: (findings, bytes) => {
          this.#findings.push(...findings);
          this.#bytes += bytes;
        },
      }),
    );
  }

  result(): PushScan {
    return { findings: this.#findings, commits: this.#commits, bytes: this.#bytes };
  }

  async #diff(revs: readonly string[], sink: DiffSink): Promise<void> {
    const parser = new DiffParser(sink);
    const reader = new LineReader((bytes, first, last) => parser.line(bytes, first, last));
    await streamGit([...DIFF_ARGS, ...revs], this.#options, (chunk) => reader.push(chunk));
    reader.end();
    parser.end();
  }
}
