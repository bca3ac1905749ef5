import { Buffer } from "node:buffer";
import {
  defaultDetectors,
  type DlpEngine,
  type Finding,
  SeamEnds,
  type StreamScanner,
} from "../../core/dlp/mod.ts";
import { LineIndex } from "./_line_index.ts";

/** A block finding placed on its new-file line. */
export interface LineFinding {
  /** The DLP finding (offsets are in the file's joined added lines). */
  finding: Finding;
  /** 1-based line in the new file where the finding starts. */
  line: number;
  /** Every line the finding spans contains `gitleaks:allow`. */
  suppressed: boolean;
}

const ALLOW = Buffer.from("gitleaks:allow", "latin1");
const NEWLINE = Uint8Array.of(0x0a);

/**
 * Scans one file's added lines, joined by "\n", as a DLP stream. Bytes are staged in a buffer
 * (shared by every file of a push) and pushed when it fills, so neither a long line nor a large
 * file is held whole. `gitleaks:allow` markers are found in the staged bytes: the joined text
 * separates lines with "\n", so a marker always lies inside one line.
 */
export class FileScan {
  readonly #stream: StreamScanner;
  readonly #stage: Uint8Array;
  readonly #index = new LineIndex();
  /** Each block finding with the lines it spans (the first is where it starts). */
  readonly #found: { finding: Finding; lines: number[] }[] = [];
  readonly #allowLines = new Set<number>();
  /** Stream offset of `#stage[0]`. */
  #offset = 0;
  #staged = 0;
  #lines = 0;
  #firstLine = 0;
  /** The last bytes pushed, to find a marker cut by a flush. */
  #carry = new Uint8Array(0);
  /** The first and last bytes of the file's added text, for the seam between files. */
  readonly #ends: SeamEnds;

  /**
   * @param dlp The bottle's engine.
   * @param stage A scratch buffer; the caller must not use it until {@link FileScan.end}.
   */
  constructor(dlp: DlpEngine, stage: Uint8Array) {
    // The outbound detectors a route gets by default: a push is outbound traffic.
    this.#stream = dlp.outboundStream({
      detectors: defaultDetectors("outbound"),
      location: "git",
    });
    this.#stage = stage;
    this.#ends = new SeamEnds(dlp.seamBytes);
  }

  /** The first bytes of the added text (as much as a known secret can span), latin1. */
  get head(): string {
    return this.#ends.head;
  }

  /** The last bytes of the added text (as much as a known secret can span), latin1. */
  get tail(): string {
    return this.#ends.tail;
  }

  /** The new-file line of the first added byte. */
  get firstLine(): number {
    return this.#firstLine;
  }

  /** Bytes given to the DLP engine so far. */
  get bytes(): number {
    return this.#offset + this.#staged;
  }

  /** Begin the added line numbered `line`. */
  line(line: number): void {
    if (this.#lines > 0) this.write(NEWLINE);
    else this.#firstLine = line;
    this.#lines += 1;
    this.#index.add(this.bytes, line);
  }

  /** Append bytes to the current line. */
  write(bytes: Uint8Array): void {
    let from = 0;
    while (from < bytes.length) {
      if (this.#staged === this.#stage.length) this.#flush();
      const n = Math.min(bytes.length - from, this.#stage.length - this.#staged);
      this.#stage.set(bytes.subarray(from, from + n), this.#staged);
      this.#staged += n;
      from += n;
    }
  }

  /** Finish the file; returns its block findings in order. */
  end(): LineFinding[] {
    this.#flush();
    this.#collect(this.#stream.end());
    // A match held open at a flush (a key block) is reported after later, shorter ones.
    this.#found.sort((a, b) => a.finding.start - b.finding.start);
    // A marker on one line of a key block must not wave through the lines it does not mark.
    return this.#found.map(({ finding, lines }) => ({
      finding,
      line: lines[0]!,
      suppressed: lines.every((line) => this.#allowLines.has(line)),
    }));
  }

  #flush(): void {
    const staged = this.#stage.subarray(0, this.#staged);
    this.#ends.add(staged);
    this.#markAllows(staged);
    this.#collect(this.#stream.push(staged));
    this.#offset += staged.length;
    this.#staged = 0;
    this.#index.forget(Math.min(this.#stream.settled, this.#offset - ALLOW.length));
  }

  #markAllows(staged: Uint8Array): void {
    const keep = ALLOW.length - 1;
    const seam = Buffer.concat([this.#carry, staged.subarray(0, keep)]);
    const seamBase = this.#offset - this.#carry.length;
    for (let at = seam.indexOf(ALLOW); at !== -1; at = seam.indexOf(ALLOW, at + 1)) {
      this.#allowLines.add(this.#index.lineAt(seamBase + at));
    }
    const view = Buffer.from(staged.buffer, staged.byteOffset, staged.byteLength);
    for (let at = view.indexOf(ALLOW); at !== -1; at = view.indexOf(ALLOW, at + 1)) {
      this.#allowLines.add(this.#index.lineAt(this.#offset + at));
    }
    const tail = staged.length >= keep
      ? staged.subarray(-keep)
      : Buffer.concat([this.#carry, staged]);
    this.#carry = Uint8Array.from(tail.subarray(Math.max(0, tail.length - keep)));
  }

  #collect(findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (finding.severity !== "block") continue;
      const end = Math.max(finding.end, finding.start + 1);
      this.#found.push({ finding, lines: this.#index.linesIn(finding.start, end) });
    }
  }
}
