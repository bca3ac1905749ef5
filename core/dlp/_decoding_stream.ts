/**
 * A stream scanned twice: as sent, and as an origin decodes it (`%XX` and JSON escapes, see
 * `_escape_decoder.ts`), whatever type the sender declared. The decoded view only matters near
 * escapes, so it covers just those stretches: from {@link MARGIN} bytes before an escape to
 * {@link MARGIN} bytes after the last one, each stretch scanned by fresh passes. Traffic without
 * escapes is scanned once; traffic full of them at most twice. Findings of the decoded view are
 * reported with the raw offsets of the bytes they decode from (so redaction rewrites exactly the
 * escaped form) and only when an escape lies inside them: anything else the raw scan reports.
 */
import { Buffer } from "node:buffer";
import { EscapeDecoder, hasEscape } from "./_escape_decoder.ts";
import { PassStream, sortFindings } from "./_stream.ts";
import type { Finding, StreamScanner } from "./_types.ts";
import type { ScanPass } from "./_window.ts";

/**
 * Bytes of context kept on each side of an escape: more than the longest match any pass reports
 * (a JWT, 18 KiB), so a secret with one escaped character is seen whole in the decoded view.
 */
export const MARGIN = 20 * 1024;

/** How many recent findings of each scan are remembered for de-duplication. */
const SEEN = 64;

interface Stretch {
  decoder: EscapeDecoder;
  scanner: PassStream;
}

/** The raw scan plus the decoded view. */
export class DecodingStream implements StreamScanner {
  readonly #raw: PassStream;
  readonly #passes: () => ScanPass[];
  /** Absolute raw offset of the end of the input so far. */
  #end = 0;
  /** The stretch being decoded, if any. */
  #stretch: Stretch | undefined;
  /** The last raw bytes (at most the margin): context for the next stretch. */
  #recent: Uint8Array | undefined;
  #recentLength = 0;
  /** The latest findings of each scan, to drop the other scan's report of the same match. */
  #seenRaw: Finding[] = [];
  #seenView: Finding[] = [];
  #ended = false;
  /** No passes at all: nothing to look for, raw or decoded. */
  readonly #idle: boolean;
  /** Context kept on each side of an escape: MARGIN, or more when a match can span more. */
  readonly #margin: number;

  /**
   * @param passes Builds a fresh set of passes (one for the raw scan, one per stretch).
   * @param longestMatch The longest span a pass may report (a long known secret's widest form).
   */
  constructor(passes: () => ScanPass[], longestMatch = 0) {
    this.#passes = passes;
    this.#margin = Math.max(MARGIN, longestMatch + 1024);
    const raw = passes();
    this.#raw = new PassStream(raw);
    this.#idle = raw.length === 0;
  }

  push(chunk: Uint8Array): Finding[] {
    const found = this.#raw.push(chunk);
    const start = this.#end;
    this.#end += chunk.length;
    if (this.#idle) return found;
    return this.#merge(found, this.#view(chunk, start, false));
  }

  end(): Finding[] {
    if (this.#ended) return [];
    this.#ended = true;
    const found = this.#raw.end();
    return this.#merge(found, this.#view(new Uint8Array(0), this.#end, true));
  }

  /** Report each thing once: a match both scans see (an escaped form the raw scan knows too). */
  #merge(raw: Finding[], view: Finding[]): Finding[] {
    // Almost every chunk finds nothing: no copies then.
    if (raw.length === 0 && view.length === 0) return raw;
    const newRaw = raw.filter((f) => !overlapsAny(f, this.#seenView));
    // A new stretch re-reads the context the last one read, so it may find the same match again.
    const newView = view.filter((f) =>
      !overlapsAny(f, this.#seenRaw) && !overlapsAny(f, raw) && !overlapsAny(f, this.#seenView)
    );
    if (raw.length > 0) this.#seenRaw = [...this.#seenRaw, ...raw].slice(-SEEN);
    if (newView.length > 0) this.#seenView = [...this.#seenView, ...newView].slice(-SEEN);
    return sortFindings([...newRaw, ...newView]);
  }

  get settled(): number {
    if (this.#ended || this.#idle) return this.#raw.settled;
    const stretch = this.#stretch;
    // The kept context may become part of a stretch that starts later.
    const context = this.#end - this.#recentLength;
    const view = stretch === undefined
      ? context
      : Math.min(context, stretch.decoder.rawOffset(stretch.scanner.settled));
    return Math.min(this.#raw.settled, view);
  }

  #view(chunk: Uint8Array, start: number, final: boolean): Finding[] {
    const found = this.#decode(chunk, start, final);
    // Every byte joins the context, inside a stretch too: a stretch that starts after a cut
    // must see what came just before it.
    this.#remember(chunk);
    return found;
  }

  #decode(chunk: Uint8Array, start: number, final: boolean): Finding[] {
    let stretch = this.#stretch;
    if (stretch === undefined) {
      if (final || !hasEscape(chunk)) return [];
      const context = this.#recent?.slice(0, this.#recentLength) ?? new Uint8Array(0);
      stretch = {
        decoder: new EscapeDecoder(start - context.length),
        scanner: new PassStream(this.#passes()),
      };
      this.#stretch = stretch;
      return this.#feed(stretch, Buffer.concat([context, chunk]), final);
    }
    // An escape in this chunk, or one the last chunk left unfinished: decode all of it.
    if (final || hasEscape(chunk) || stretch.decoder.pending < start) {
      return this.#feed(stretch, chunk, final);
    }
    // No escape in this chunk: the view needs only what lies within the margin of the last one.
    const wanted = Math.max(0, stretch.decoder.lastEscapeEnd + this.#margin - start);
    if (wanted >= chunk.length) return this.#feed(stretch, chunk, false);
    const found = this.#feed(stretch, chunk.subarray(0, wanted), true);
    this.#stretch = undefined;
    return found;
  }

  #feed(stretch: Stretch, bytes: Uint8Array, final: boolean): Finding[] {
    const decoded = stretch.decoder.push(bytes, final);
    const found = stretch.scanner.push(decoded);
    if (final) found.push(...stretch.scanner.end());
    const out = onRaw(stretch.decoder, found);
    stretch.decoder.forget(stretch.scanner.settled);
    if (final) this.#stretch = undefined;
    return out;
  }

  #remember(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    // Copied into one buffer kept for the stream (the caller may reuse or rewrite its chunk),
    // grown as needed up to the margin: most streams are short.
    const margin = this.#margin;
    const take = bytes.subarray(Math.max(0, bytes.length - margin));
    const keep = Math.min(this.#recentLength, margin - take.length);
    const recent = this.#recent ?? new Uint8Array(0);
    let into = recent;
    if (into.length < keep + take.length) {
      into = new Uint8Array(Math.min(margin, Math.max(2 * recent.length, keep + take.length, 256)));
    }
    if (keep > 0) into.set(recent.subarray(this.#recentLength - keep, this.#recentLength));
    into.set(take, keep);
    this.#recent = into;
    this.#recentLength = keep + take.length;
  }
}

/**
 * One-shot form of the decoded view: decode a whole text and report what the passes find in it
 * that an escape was part of, with raw offsets.
 *
 * @param bytes The raw text, one byte per character.
 * @param passes Builds fresh passes for the decoded text (called only when there are escapes).
 * @param raw What the raw scan found (not reported again).
 * @returns The findings, possibly empty.
 */
export function scanDecodedOnce(
  bytes: Uint8Array,
  passes: () => ScanPass[],
  raw: readonly Finding[],
): Finding[] {
  if (!hasEscape(bytes)) return [];
  const decoder = new EscapeDecoder(0);
  const scanner = new PassStream(passes());
  return onRaw(decoder, [...scanner.push(decoder.push(bytes, true)), ...scanner.end()])
    .filter((f) => !overlapsAny(f, raw));
}

function overlapsAny(finding: Finding, others: readonly Finding[]): boolean {
  return others.some((o) =>
    o.detector === finding.detector && o.start < finding.end && finding.start < o.end
  );
}

/** Findings of a decoded view moved onto raw offsets; those no escape was part of are dropped. */
function onRaw(decoder: EscapeDecoder, found: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  for (const finding of found) {
    const raw = decoder.toRaw(finding.start, finding.end);
    if (!raw.escaped) continue;
    out.push({
      ...finding,
      start: raw.start,
      end: raw.end,
      snippet: `${finding.snippet}, after decoding escapes`,
    });
  }
  return out;
}
