/**
 * A stream scanned as sent and as its encodings decode: `%XX` and JSON escapes near escapes (`_escape_view.ts`), and runs of base64, base32 and hex (`_run_view.ts`), each decoded
 * view read again by the same views, at most {@link MAX_DEPTH} layers deep (`%252541` is read as
 * `%2541`, `%41` and `A`; base64 of URL-encoded text, hex of base64…). Every layer's decoded bytes
 * are scanned by fresh passes of the same detectors, and their findings are reported on the raw
 * bytes they decode from (so redaction rewrites exactly the encoded form), with the decodings
 * applied in the snippet. A match two views (or the raw scan and a view) both see is reported
 * once.
 */
import type { View, ViewFinding, Views } from "./_branch.ts";
import type { Buffers } from "./_buffers.ts";
import { EscapeView, MARGIN } from "./_escape_view.ts";
import { ALPHABET_RUNS, HEX_RUNS } from "./_run_kinds.ts";
import { RunView } from "./_run_view.ts";
import { PassStream, sortFindings } from "./_stream.ts";
import type { Finding, StreamScanner } from "./_types.ts";
import { NO_BYTES, type ScanPass } from "./_window.ts";

/** Decoding layers read: a fourth encoding around a secret is not unwrapped. */
export const MAX_DEPTH = 3;

/** The views of every layer, over passes built by `passes`, with buffers from `buffers`. */
function viewsOf(passes: () => ScanPass[], margin: number, buffers?: Buffers): Views {
  const views: Views = (depth, touched) => {
    if (depth > MAX_DEPTH) return [];
    const layer = { passes, views, depth, touched, buffers };
    return [
      new EscapeView(layer, margin),
      new RunView(ALPHABET_RUNS, layer),
      new RunView(HEX_RUNS, layer),
    ];
  };
  return views;
}

/** The raw scan plus the decoded views. */
export class DecodingStream implements StreamScanner {
  readonly #raw: PassStream;
  readonly #views: View[];
  /** Absolute raw offset of the end of the input so far. */
  #end = 0;
  /** Findings a later view finding may overlap, to report each match once. */
  #seenRaw: Finding[] = [];
  #seenView: Finding[] = [];
  /** View findings not yet reported (see `#merge`). */
  #pending: Finding[] = [];
  #ended = false;

  /**
   * @param passes Builds a fresh set of passes (one for the raw scan, one per decoded stream).
   * @param options The longest span a pass may report (`longestMatch`: a long known secret's
   *   widest form), and the engine's spare buffers (`buffers`).
   */
  constructor(
    passes: () => ScanPass[],
    options: { longestMatch?: number; buffers?: Buffers } = {},
  ) {
    const raw = passes();
    const { longestMatch = 0, buffers } = options;
    this.#raw = new PassStream(raw, buffers);
    // No passes at all: nothing to look for, raw or decoded.
    const margin = Math.max(MARGIN, longestMatch + 1024);
    this.#views = raw.length === 0 ? [] : viewsOf(passes, margin, buffers)(1);
  }

  push(chunk: Uint8Array): Finding[] {
    const found = this.#raw.push(chunk);
    const start = this.#end;
    this.#end += chunk.length;
    return this.#merge(found, this.#view(chunk, start, false));
  }

  end(): Finding[] {
    if (this.#ended) return [];
    const found = this.#raw.end();
    const view = this.#view(NO_BYTES, this.#end, true);
    this.#ended = true;
    return this.#merge(found, view);
  }

  get settled(): number {
    let settled = this.#raw.settled;
    if (this.#ended) return settled;
    for (const view of this.#views) settled = Math.min(settled, view.settled);
    for (const finding of this.#pending) settled = Math.min(settled, finding.start);
    return settled;
  }

  #view(chunk: Uint8Array, start: number, final: boolean): Finding[] {
    const found: ViewFinding[] = [];
    for (const view of this.#views) found.push(...view.push(chunk, start, final));
    return found.length === 0 ? [] : withDecodings(found);
  }

  /**
   * Report each thing once. The raw scan's finding wins over a view's, and of overlapping view
   * findings the first in stream order: a view's finding waits until neither the raw scan nor a
   * view can report anything before its end, so the choice does not depend on the chunking.
   */
  #merge(raw: Finding[], view: Finding[]): Finding[] {
    if (raw.length > 0) this.#seenRaw = [...this.#seenRaw, ...raw];
    if (view.length > 0) this.#pending = [...this.#pending, ...view];
    // Almost every chunk finds nothing: no copies then.
    if (this.#pending.length === 0 && this.#seenRaw.length === 0) return raw;
    let bound = this.#ended ? Infinity : this.#raw.settled;
    if (!this.#ended) { for (const v of this.#views) bound = Math.min(bound, v.settled); }
    const pending = inStreamOrder(this.#pending);
    let ready = 0;
    while (ready < pending.length && pending[ready]!.end <= bound) ready++;
    this.#pending = pending.slice(ready);
    const released: Finding[] = [];
    for (const finding of pending.slice(0, ready)) {
      if (
        overlapsAny(finding, this.#seenRaw) || overlapsAny(finding, this.#seenView) ||
        overlapsAny(finding, released)
      ) continue;
      released.push(finding);
    }
    if (released.length > 0) this.#seenView = [...this.#seenView, ...released];
    // Only findings that reach past where a later view finding may start can still overlap one.
    const floor = Math.min(bound, this.#pending[0]?.start ?? Infinity);
    this.#seenRaw = this.#seenRaw.filter((f) => f.end > floor);
    this.#seenView = this.#seenView.filter((f) => f.end > floor);
    return released.length === 0 ? raw : sortFindings([...raw, ...released]);
  }
}

/**
 * One-shot form of the decoded views: decode a whole text and report what the passes find in it
 * that a decoding was part of, with raw offsets.
 *
 * @param bytes The raw text, one byte per character.
 * @param passes Builds fresh passes for each decoded stream.
 * @param raw What the raw scan found (not reported again).
 * @param buffers Where the views take their buffers from (and give them back: the scan ends).
 * @returns The findings, possibly empty.
 */
export function scanDecodedOnce(
  bytes: Uint8Array,
  passes: () => ScanPass[],
  raw: readonly Finding[],
  buffers?: Buffers,
): Finding[] {
  const found: ViewFinding[] = [];
  for (const view of viewsOf(passes, MARGIN, buffers)(1)) found.push(...view.push(bytes, 0, true));
  if (found.length === 0) return [];
  return onceEach(inStreamOrder(withDecodings(found)).filter((f) => !overlapsAny(f, raw)));
}

/** Findings by start, the longer first, then by rule: one order whatever the chunking. */
function inStreamOrder(found: Finding[]): Finding[] {
  return found.sort((a, b) =>
    a.start - b.start || b.end - a.end || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0) ||
    (a.snippet < b.snippet ? -1 : a.snippet > b.snippet ? 1 : 0)
  );
}

/** Findings of the views as reported: the decodings named in the snippet. */
function withDecodings(found: ViewFinding[]): Finding[] {
  return found.map(({ via, ...finding }) => ({
    ...finding,
    snippet: `${finding.snippet}, after ${(via ?? []).join(", then ")}`,
  }));
}

/** Drop findings that overlap an earlier one of the same detector. */
function onceEach(found: Finding[]): Finding[] {
  const kept: Finding[] = [];
  for (const finding of found) if (!overlapsAny(finding, kept)) kept.push(finding);
  return kept;
}

function overlapsAny(finding: Finding, others: readonly Finding[]): boolean {
  return others.some((o) =>
    o.detector === finding.detector && o.start < finding.end && finding.start < o.end
  );
}
