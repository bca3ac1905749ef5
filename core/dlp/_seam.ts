/**
 * Known secrets split between pieces sent one after another: two requests to one host, two files
 * of one push. Each piece is scanned whole on its own; what no single scan can see is a secret
 * whose first half ends one piece and whose second half starts the next. The watch keeps the last
 * bytes of the previous piece (no more than the longest form of a known secret can span) and
 * scans them joined to the first bytes of the next, for the bottle's known secrets and canary.
 */
import type { DlpEngine } from "./_dlp_engine.ts";
import type { Finding } from "./_types.ts";
import { latin1Text } from "./_window.ts";

/** Between the two sides, as if the pieces were lines of one text. */
const JOIN = "\n";

/** One sequence of pieces (one host's requests, one push's files). */
export class SeamWatch {
  readonly #engine: DlpEngine;
  readonly #location: string;
  #tail = "";

  /**
   * @param engine The bottle's engine.
   * @param location Copied into findings, e.g. `body (split across requests)`.
   */
  constructor(engine: DlpEngine, location: string) {
    this.#engine = engine;
    this.#location = location;
  }

  /**
   * Check the start of the next piece against the end of the previous one.
   *
   * @param head The first bytes of the next piece (latin1 text; only the first
   *   `engine.seamBytes` matter).
   * @returns Findings that straddle the seam, with offsets in `head` (clamped to it).
   */
  check(head: string): Finding[] {
    const span = this.#engine.seamBytes;
    if (span === 0 || this.#tail === "" || head === "") return [];
    const front = head.slice(0, span);
    const text = `${this.#tail}${JOIN}${front}`;
    const seam = this.#tail.length;
    return this.#engine.scanOutbound(text, {
      detectors: ["known_secrets"],
      location: this.#location,
    })
      .filter((f) => f.start < seam && f.end > seam + JOIN.length)
      .map((f) => ({
        ...f,
        snippet: `${f.snippet}, split across two pieces (${this.#location})`,
        start: 0,
        end: Math.min(front.length, f.end - seam - JOIN.length),
      }));
  }

  /**
   * Remember the end of the piece just sent, after the ends of the ones before it: a secret in
   * three short pieces is still seen whole, within the span one secret can take.
   *
   * @param tail Its last bytes (latin1 text; only the last `engine.seamBytes` are kept).
   */
  remember(tail: string): void {
    const span = this.#engine.seamBytes;
    const joined = this.#tail === "" ? tail : `${this.#tail}${JOIN}${tail}`;
    this.#tail = span === 0 ? "" : joined.slice(-span);
  }
}

/**
 * The first and last bytes of one piece as it streams by (as many as a known secret can span),
 * latin1: the sides a {@link SeamWatch} joins. Only each chunk's ends are decoded.
 */
export class SeamEnds {
  readonly #span: number;
  #head = "";
  #tail = "";

  /** @param span How many bytes each end keeps (`DlpEngine.seamBytes`). */
  constructor(span: number) {
    this.#span = span;
  }

  /** The piece's first bytes so far. */
  get head(): string {
    return this.#head;
  }

  /** The piece's last bytes so far. */
  get tail(): string {
    return this.#tail;
  }

  /** Keep what the next chunk of the piece adds to either end. */
  add(chunk: Uint8Array): void {
    const n = this.#span;
    if (n === 0 || chunk.length === 0) return;
    if (this.#head.length < n) {
      this.#head += latin1Text(chunk, 0, Math.min(chunk.length, n - this.#head.length));
    }
    const from = Math.max(0, chunk.length - n);
    this.#tail = (this.#tail + latin1Text(chunk, from, chunk.length)).slice(-n);
  }
}
