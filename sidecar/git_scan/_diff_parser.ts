import { newPath, rawPath } from "./_quoted_path.ts";

/** What a {@link DiffParser} reports, file by file, in diff order. */
export interface DiffSink {
  /**
   * The diff gives a file a path it did not have before (added, renamed to or copied to); called
   * for every such path before the first file's hunks.
   */
  newName(path: string): void;
  /** A file's hunks follow; `path` is its new name, undefined when the file is deleted. */
  file(path: string | undefined): void;
  /** A hunk adds `count` lines starting at new-file line `start`. */
  hunk(start: number, count: number): void;
  /** An added line begins; return true to receive its bytes through {@link DiffSink.bytes}. */
  addedLine(line: number): boolean;
  /** More bytes of the current added line (without the leading `+`). */
  bytes(chunk: Uint8Array): void;
  /** The current file's diff ended. */
  endFile(): void;
}

const PLUS = 0x2b;
const TAB = 0x09;
// Raw statuses whose new side is a path the old tree already had (or, for D, no path at all).
const OLD_NAME_STATUSES = "DMT";
const MINUS = 0x2d;
const SPACE = 0x20;
const BACKSLASH = 0x5c;
const HUNK = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/;
const PLUS_HEADER = Uint8Array.from([PLUS, PLUS, PLUS, SPACE]);

/**
 * Parses `git diff-tree -p --raw` output (two-tree form, one parent) line by line, as produced by
 * {@link LineReader}. The `--raw` lines before the patch name every changed path (an empty file
 * or a pure rename has no `+++` header); the patch gives the added lines. Body lines (`+`, `-`,
 * ` `, `\`) are recognised only inside a hunk, so an added line reading `++ b/x` is not mistaken
 * for a `+++ b/x` header. Output it cannot account for (a binary diff, an unknown line inside a
 * hunk, a malformed raw line) is an error: skipping it could hide a secret.
 */
export class DiffParser {
  readonly #sink: DiffSink;
  readonly #latin1 = new TextDecoder("latin1");
  #inHunk = false;
  /** The first `diff ` line was seen: no more `--raw` lines. */
  #inPatch = false;
  #fileOpen = false;
  #nextLine = 0;
  /** True while the bytes of the current (long) added line go to the sink. */
  #forwarding = false;

  /** Report files, hunks and added lines to `sink`. */
  constructor(sink: DiffSink) {
    this.#sink = sink;
  }

  /**
   * Take the next line or piece of a line (see `LineHandler`).
   *
   * @throws {SyntaxError} On diff output that cannot be scanned.
   */
  line(bytes: Uint8Array, first: boolean, last: boolean): void {
    if (!first) {
      if (this.#forwarding) this.#sink.bytes(bytes);
      return;
    }
    this.#forwarding = false;
    const c = bytes[0];
    if (this.#inHunk && (c === PLUS || c === MINUS || c === SPACE || c === BACKSLASH)) {
      this.#body(c, bytes);
      return;
    }
    if (!last) throw new SyntaxError("Cannot scan push: diff header line too long");
    this.#header(bytes);
  }

  /** The diff ended: close the last file. */
  end(): void {
    this.#closeFile();
  }

  #body(c: number, bytes: Uint8Array): void {
    if (c === MINUS || c === BACKSLASH) return;
    const line = this.#nextLine++;
    if (c === PLUS && this.#sink.addedLine(line)) {
      this.#forwarding = true;
      this.#sink.bytes(bytes.subarray(1));
    }
  }

  #header(bytes: Uint8Array): void {
    const text = this.#latin1.decode(bytes.subarray(0, 256));
    if (text.startsWith("diff ")) {
      this.#inPatch = true;
      this.#closeFile();
      this.#inHunk = false;
    } else if (text.startsWith("@@ ")) {
      this.#startHunk(text);
    } else if (this.#inHunk) {
      throw new SyntaxError(`Cannot scan push: unexpected line in a diff hunk`);
    } else if (!this.#inPatch && text.startsWith(":")) {
      this.#raw(bytes);
    } else if (startsWith(bytes, PLUS_HEADER)) {
      this.#openFile(newPath(bytes.subarray(PLUS_HEADER.length)));
    } else if (text.startsWith("Binary files ") || text.startsWith("GIT binary patch")) {
      throw new SyntaxError("Cannot scan push: git printed a binary diff despite --text");
    }
  }

  /** `:<modes> <ids> <status>\t<path>[\t<new path>]`; paths with a tab or newline are quoted. */
  #raw(bytes: Uint8Array): void {
    const tab = bytes.indexOf(TAB);
    const status = tab === -1 ? "" : String.fromCharCode(bytes[bytes.lastIndexOf(SPACE, tab) + 1]!);
    const fields = splitTabs(bytes.subarray(tab + 1));
    const count = status === "R" || status === "C" ? 2 : 1;
    if (!/^[A-Z]$/.test(status) || fields.length !== count) {
      throw new SyntaxError("Cannot scan push: malformed raw diff line");
    }
    if (!OLD_NAME_STATUSES.includes(status)) this.#sink.newName(rawPath(fields.at(-1)!));
  }

  #startHunk(text: string): void {
    const match = HUNK.exec(text);
    if (match === null || !this.#fileOpen) {
      throw new SyntaxError(`Cannot scan push: malformed diff hunk header`);
    }
    const start = Number(match[1]);
    const count = match[2] === undefined ? 1 : Number(match[2]);
    this.#inHunk = true;
    this.#nextLine = start;
    this.#sink.hunk(start, count);
  }

  #openFile(path: string | undefined): void {
    this.#fileOpen = true;
    this.#sink.file(path);
  }

  #closeFile(): void {
    if (this.#fileOpen) this.#sink.endFile();
    this.#fileOpen = false;
  }
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function splitTabs(bytes: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let from = 0;
  for (let tab = bytes.indexOf(TAB); tab !== -1; tab = bytes.indexOf(TAB, from)) {
    fields.push(bytes.subarray(from, tab));
    from = tab + 1;
  }
  fields.push(bytes.subarray(from));
  return fields;
}
