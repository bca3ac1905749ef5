import { SeamWatch } from "../../core/dlp/mod.ts";
import { AddedRanges } from "./_added_ranges.ts";
import { DiffParser, type DiffSink } from "./_diff_parser.ts";
import { gitText, streamGit } from "./_git_child.ts";
import { LineReader } from "./_line_reader.ts";
import { type ObjectKind, ObjectSink } from "./_object_sink.ts";
import { isZeroId, type RefUpdate, updateProblem } from "./_ref_updates.ts";
import { type AddedFilter, ScanSink } from "./_scan_sink.ts";
import type { PushFinding, PushScan, ScanPushOptions } from "./_types.ts";

// --text: binary files are scanned, never skipped. -M: a pure rename adds no line, only a path.
// --raw: every new path, even of an empty file, which has no `+++` header. The prefixes are
// explicit so no diff.noprefix/mnemonicPrefix setting can change the `+++ b/` header.
const DIFF_ARGS = Object.freeze([
  "diff-tree",
  "-p",
  "--raw",
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
 * Find secrets in what a push adds, in the objects new to the gate only: the lines each new
 * commit adds, its message and its header (all but the tree and parent ids), and the message and
 * header of each new annotated tag a pushed ref points at. Run inside pre-receive, where the
 * pushed refs are not updated yet, so `git rev-list <new> --not --all` lists exactly the commits
 * the gate has not seen (anything reachable from a gate ref is either upstream already or was
 * scanned when pushed). Deletions are skipped; a commit or tag reachable from several pushed refs
 * is scanned once, for the first of them. A ref that points (through tags) at a tree or blob the
 * gate has no ref to is refused: only commits' content is scanned.
 *
 * @param updates The ref updates from pre-receive stdin.
 * @param options The bare repo, DLP engine, per-git timeout and environment.
 * @returns Every block finding (suppressed ones included) with the commit and byte counts.
 * @throws {TypeError} When an update is malformed (checked before git runs).
 * @throws {Deno.errors.TimedOut} When a git child runs past the timeout.
 * @throws {Error} When git fails, prints a diff that cannot be scanned, or a ref points at a new
 *   tree or blob: refuse the push.
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
    await scanner.tip(update.ref, update.new);
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
  readonly #tags = new Set<string>();
  /** One watch for the whole push: a secret split between two files of different commits too. */
  readonly #seam: SeamWatch;
  #commits = 0;
  #bytes = 0;

  constructor(options: ScanPushOptions) {
    this.#options = options;
    this.#seam = new SeamWatch(options.dlp, "git (split across files)");
  }

  /** Scan what `commit` adds (its lines, then its header and message). */
  async commit(ref: string, commit: string, parents: readonly string[]): Promise<void> {
    this.#commits += 1;
    await this.#lines(ref, commit, parents);
    await this.#object("commit", ref, commit);
  }

  /**
   * Follow the tag chain from a pushed tip, scanning each annotated tag the gate has no ref to,
   * down to the commit (whose history {@link PushScanner.commit} covers).
   *
   * @throws {Error} When the chain ends at a tree or blob the gate has no ref to.
   */
  async tip(ref: string, tip: string): Promise<void> {
    for (let id = tip;;) {
      const type = (await gitText(["cat-file", "-t", id], this.#options)).trim();
      if (type === "commit" || this.#tags.has(id) || await this.#gated(id)) return;
      if (type !== "tag") {
        throw new Error(
          `Cannot scan push of ${JSON.stringify(ref)}: it points at a ${type}, not a commit`,
        );
      }
      this.#tags.add(id);
      const target = await this.#object("tag", ref, id);
      if (target === undefined) throw new Error(`Cannot scan push: tag ${id} has no object line`);
      id = target;
    }
  }

  result(): PushScan {
    return { findings: this.#findings, commits: this.#commits, bytes: this.#bytes };
  }

  /**
   * Whether a gate ref points at `id`, directly or through one tag. `cat-file -e` cannot tell:
   * inside the quarantine every pushed object exists already. A ref pointing at it means it was
   * scanned when pushed or came from upstream; a tag only reachable some other way is scanned
   * again, which can only add findings.
   */
  async #gated(id: string): Promise<boolean> {
    const args = ["for-each-ref", "--count=1", `--points-at=${id}`, "--format=%(refname)"];
    return (await gitText(args, this.#options)).trim() !== "";
  }

  /** Scan a commit or tag object's header and message; returns a tag's target id. */
  async #object(kind: ObjectKind, ref: string, id: string): Promise<string | undefined> {
    const sink = new ObjectSink({
      dlp: this.#options.dlp,
      stage: this.#stage,
      ref,
      id,
      kind,
      report: (findings, bytes) => this.#report(findings, bytes),
    });
    const reader = new LineReader((bytes, first, last) => sink.line(bytes, first, last));
    await streamGit(["cat-file", kind, id], this.#options, (chunk) => reader.push(chunk));
    reader.end();
    sink.end();
    return sink.target;
  }

  #report(findings: readonly PushFinding[], bytes: number): void {
    this.#findings.push(...findings);
    this.#bytes += bytes;
  }

  /**
   * The paths and lines `commit` adds: against its parent, or for a merge, against every parent.
   * A path is new when the tree it is compared with has no file there (added, renamed or copied
   * to); a path the parent already had was scanned with the commit that added it, or is gated.
   */
  async #lines(ref: string, commit: string, parents: readonly string[]): Promise<void> {
    const last = parents.at(-1) ?? "--root";
    const earlier: AddedRanges[] = [];
    for (const parent of parents.slice(0, -1)) {
      const ranges = new AddedRanges();
      await this.#diff([parent, commit], ranges);
      // Nothing is added relative to this parent, so the merge itself adds nothing.
      if (ranges.empty) return;
      earlier.push(ranges);
    }
    const filter: AddedFilter = {
      line: (path, line) => earlier.every((r) => r.has(path, line)),
      path: (path) => earlier.every((r) => r.hasName(path)),
    };
    await this.#diff(
      [last, commit],
      new ScanSink({
        dlp: this.#options.dlp,
        stage: this.#stage,
        ref,
        commit,
        ...(earlier.length > 0 ? { filter } : {}),
        seam: this.#seam,
        report: (findings, bytes) => this.#report(findings, bytes),
      }),
    );
  }

  async #diff(revs: readonly string[], sink: DiffSink): Promise<void> {
    const parser = new DiffParser(sink);
    const reader = new LineReader((bytes, first, last) => parser.line(bytes, first, last));
    await streamGit([...DIFF_ARGS, ...revs], this.#options, (chunk) => reader.push(chunk));
    reader.end();
    parser.end();
  }
}
