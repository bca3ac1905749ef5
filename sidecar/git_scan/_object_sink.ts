import type { DlpEngine } from "../../core/dlp/mod.ts";
import { FileScan } from "./_file_scan.ts";
import { pushFindings } from "./_scan_sink.ts";
import type { PushFinding } from "./_types.ts";

/** The raw object kinds whose text a push scan reads. */
export type ObjectKind = "commit" | "tag";

/** What an {@link ObjectSink} scans with and reports to. */
export interface ObjectSinkOptions {
  dlp: DlpEngine;
  /** Scratch buffer shared by every scan of the push. */
  stage: Uint8Array;
  ref: string;
  /** The commit or tag object id. */
  id: string;
  kind: ObjectKind;
  /** Receives the header's, then the message's findings and scanned byte counts. */
  report(findings: PushFinding[], bytes: number): void;
}

const HEX_ID = "(?:[0-9a-f]{40}|[0-9a-f]{64})";
// Only header lines holding nothing but an object id or type git checked are skipped; every
// other header line (author, committer, tagger, tag name, encoding, gpgsig, mergetag, any extra
// header) is text the pusher chose, so it is scanned.
const ID_LINE: Readonly<Record<ObjectKind, RegExp>> = Object.freeze({
  commit: new RegExp(`^(?:tree|parent) ${HEX_ID}$`),
  tag: new RegExp(`^(?:object ${HEX_ID}|type (?:commit|tree|blob|tag))$`),
});
const TAG_TARGET = new RegExp(`^object (${HEX_ID})$`);
const ID_LINE_MAX = 80;

/**
 * Scans a raw commit or tag object (`git cat-file <kind> <id>`), fed line by line: the header up
 * to the first blank line as `(<kind> header)`, numbered by object line, and the message after it
 * as `(<kind> message)`, numbered from 1. The bytes are given to the DLP engine as git stored
 * them, whatever the `encoding` header says.
 */
export class ObjectSink {
  readonly #options: ObjectSinkOptions;
  #scan: FileScan | undefined;
  #inHeader = true;
  #line = 0;
  #skipping = false;
  #target: string | undefined;

  /** Scan the object `options.id` for `options.ref`. */
  constructor(options: ObjectSinkOptions) {
    this.#options = options;
  }

  /** For a tag, the id on its `object` line (what it points at). */
  get target(): string | undefined {
    return this.#target;
  }

  /** One line of the object, or a piece of a long one (see LineReader). */
  line(bytes: Uint8Array, first: boolean, last: boolean): void {
    if (first) {
      this.#line += 1;
      if (this.#inHeader && last && bytes.length === 0) {
        this.#endPart("header");
        this.#inHeader = false;
        this.#line = 0;
        return;
      }
      this.#skipping = this.#inHeader && last && this.#isIdLine(bytes);
      if (this.#skipping) return;
      this.#scan ??= new FileScan(this.#options.dlp, this.#options.stage);
      this.#scan.line(this.#line);
    }
    if (!this.#skipping) this.#scan?.write(bytes);
  }

  /** Finish the object and report what is left. */
  end(): void {
    this.#endPart(this.#inHeader ? "header" : "message");
  }

  #isIdLine(bytes: Uint8Array): boolean {
    if (bytes.length > ID_LINE_MAX) return false;
    const text = String.fromCharCode(...bytes);
    if (this.#options.kind === "tag") this.#target ??= TAG_TARGET.exec(text)?.[1];
    return ID_LINE[this.#options.kind].test(text);
  }

  #endPart(part: "header" | "message"): void {
    const scan = this.#scan;
    this.#scan = undefined;
    if (scan === undefined) return;
    const { ref, id, kind } = this.#options;
    const found = pushFindings(scan.end(), { ref, commit: id, file: `(${kind} ${part})` });
    this.#options.report(found, scan.bytes);
  }
}
