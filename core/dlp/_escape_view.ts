/**
 * The escape layer of the decoded view: the input as an origin decodes it (`%XX` and JSON string
 * escapes, see `_escape_decoder.ts`). It only matters near escapes, so it covers just those
 * stretches: from the margin before an escape to the margin after the last one, each stretch a
 * fresh {@link Branch}. Input without escapes costs one word-wise check per chunk.
 */
import { Branch, type Layer, type View, type ViewFinding } from "./_branch.ts";
import { decodableEscapes, EscapeDecoder, hasEscape, joined } from "./_escape_decoder.ts";
import { NO_BYTES } from "./_window.ts";

/**
 * Bytes of context kept on each side of an escape: more than the longest match any pass reports
 * (a JWT, 18 KiB), so a secret with one escaped character is seen whole in the decoded view.
 */
export const MARGIN = 20 * 1024;

interface Stretch {
  decoder: EscapeDecoder;
  branch: Branch;
}

/** Escape decoding near escapes, one layer. */
export class EscapeView implements View {
  readonly #layer: Layer;
  readonly #margin: number;
  /** Input offset of the end of the input so far. */
  #end = 0;
  #stretch: Stretch | undefined;
  /** The last input bytes (at most the margin): context for the next stretch. */
  #recent: Uint8Array | undefined;
  #recentLength = 0;
  /** The chunk being read: its escapes, its length and its first byte's offset. */
  #chunk = { escapes: [] as readonly number[], length: 0, start: 0 };

  /**
   * @param layer Fresh passes for each stretch, the layers below this one, this layer's depth
   *   (1 reads the raw stream), and where buffers come from.
   * @param margin Context kept on each side of an escape.
   */
  constructor(layer: Layer, margin: number) {
    this.#layer = layer;
    this.#margin = margin;
  }

  push(chunk: Uint8Array, start: number, final: boolean): ViewFinding[] {
    const found = this.#read(chunk, start, final);
    if (final && this.#recent !== undefined) {
      // Nothing follows for a stretch to start in.
      this.#layer.buffers?.give(this.#recent);
      this.#recent = undefined;
      this.#recentLength = 0;
    }
    return found;
  }

  #read(chunk: Uint8Array, start: number, final: boolean): ViewFinding[] {
    // One search of the chunk (after a quick check: most hold no escape byte) serves every
    // question below: where escapes are, and which piece holds one.
    const escapes = hasEscape(chunk) ? decodableEscapes(chunk) : [];
    this.#chunk = { escapes, length: chunk.length, start };
    if (escapes.length === 0 && this.#stretch === undefined) {
      // No stretch, nothing to decode: only the context moves on.
      this.#end = start + chunk.length;
      if (!final) this.#remember(chunk);
      return [];
    }
    // Read as pieces cut where escapes are far apart, so each stretch covers its escapes and
    // their margins, not the whole chunk around them.
    const found: ViewFinding[] = [];
    const cuts = this.#cuts(escapes, start);
    cuts.push(chunk.length);
    let from = 0;
    // The first escape at or after `from` (the pieces come in order).
    let next = 0;
    for (const cut of cuts) {
      while (next < escapes.length && escapes[next]! < from) next += 2;
      const escaped = next < escapes.length && escapes[next]! < cut;
      const last = cut === chunk.length;
      found.push(...this.#piece(chunk.subarray(from, cut), start + from, last && final, escaped));
      from = cut;
    }
    return found;
  }

  /**
   * Where to cut a chunk: after an escape's margin when the next escape is more than two margins
   * further (the piece between holds no escape that decodes, so the stretch ends there), and at
   * the next escape (a new stretch starts there, with the margin before it as context).
   *
   * @param escapes The chunk's decodable escapes ({@link decodableEscapes}).
   * @param start Offset of the chunk's first byte.
   */
  #cuts(escapes: readonly number[], start: number): number[] {
    const margin = this.#margin;
    const cuts: number[] = [];
    const last = this.#stretch?.decoder.lastEscapeEnd;
    let previous = last === undefined || last < 0 ? -Infinity : last - start;
    for (let k = 0; k < escapes.length; k += 2) {
      const at = escapes[k]!;
      if (at - previous > 2 * margin) {
        if (previous + margin > 0) cuts.push(previous + margin);
        if (at > 0) cuts.push(at);
      }
      previous = escapes[k + 1]!;
    }
    return cuts;
  }

  #piece(piece: Uint8Array, start: number, final: boolean, escaped: boolean): ViewFinding[] {
    this.#end = start + piece.length;
    const found = this.#decode(piece, start, final, escaped);
    // Every byte joins the context, inside a stretch too: a stretch that starts after a cut
    // must see what came just before it. None is kept after the last bytes: no stretch can
    // start after them (most inputs are scanned in one piece).
    if (!final) this.#remember(piece);
    return found;
  }

  get settled(): number {
    // The kept context may become part of a stretch that starts later.
    const context = this.#end - this.#recentLength;
    const stretch = this.#stretch;
    if (stretch === undefined) return context;
    return Math.min(context, stretch.decoder.rawOffset(stretch.branch.settled));
  }

  /** Decode a piece; `escaped`: it holds an escape that decodes (or that its end may complete). */
  #decode(chunk: Uint8Array, start: number, final: boolean, escaped: boolean): ViewFinding[] {
    let stretch = this.#stretch;
    if (stretch === undefined) {
      if (!escaped) return [];
      const context = this.#recent?.subarray(0, this.#recentLength) ?? NO_BYTES;
      const { passes, views, depth, buffers } = this.#layer;
      const decoder = new EscapeDecoder(start - context.length, buffers);
      const touched = {
        within: (s: number, e: number) => decoder.escapedIn(s, e),
        next: (from: number) => decoder.nextEscaped(from),
      };
      stretch = {
        decoder,
        branch: new Branch(passes(), {
          children: views(depth + 1, touched),
          map: {
            toParent: (s, e) => {
              const raw = decoder.toRaw(s, e);
              // An escape just before the match counts too: it is what the match's left
              // boundary reads (`%22AKIA…` is `2AKIA…` raw, a word the raw scan cannot start).
              const before = s > 0 && decoder.toRaw(s - 1, s).escaped;
              return { start: raw.start, end: raw.end, decoded: raw.escaped || before };
            },
            parentOffset: (dec) => decoder.rawOffset(dec),
            forget: (dec) => decoder.forget(dec),
          },
          phrase: "decoding escapes",
          buffers,
        }),
      };
      this.#stretch = stretch;
      // The context holds no escape that decodes (one there would have opened a stretch):
      // checked, since then the decoder reads the chunk's escapes from the list instead of
      // searching the chunk again (most of what a stretch decodes is its first piece).
      const clean = !hasEscape(context) || decodableEscapes(context).length === 0;
      const at = clean ? start - context.length : undefined;
      const join = joined(context, chunk, buffers);
      const found = this.#feed(stretch, join.bytes, final, at);
      // The stretch decoded what it needed of them (the decoder copies what it carries over).
      buffers?.give(join.store);
      return found;
    }
    // An escape that decodes in this chunk, or one the last chunk left unfinished: decode all
    // of it. A lone `%` or `\` (`100%`, `C:\Windows`) decodes nothing and extends nothing.
    if (final || escaped || stretch.decoder.pending < start) {
      return this.#feed(stretch, chunk, final, start);
    }
    // No escape that decodes in this chunk: the view needs only what lies within the margin of
    // the last one.
    const wanted = Math.max(0, stretch.decoder.lastEscapeEnd + this.#margin - start);
    if (wanted >= chunk.length) return this.#feed(stretch, chunk, false, start);
    return this.#feed(stretch, chunk.subarray(0, wanted), true, start);
  }

  /**
   * Decode and scan `bytes`; `at`: the offset of their first byte, when every escape in them
   * that decodes is one of the chunk's (they are the chunk's, or context without one before it).
   */
  #feed(stretch: Stretch, bytes: Uint8Array, final: boolean, at?: number): ViewFinding[] {
    const { escapes, length, start } = this.#chunk;
    // The chunk was searched for escapes once: the decoder reads where they are.
    const found = at === undefined ? undefined : { escapes, length, shift: at - start };
    const decoded = stretch.decoder.push(bytes, final, found);
    const out = stretch.branch.push(decoded, final);
    stretch.decoder.release();
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
    const recent = this.#recent ?? NO_BYTES;
    let into = recent;
    if (into.length < keep + take.length) {
      const size = Math.min(margin, Math.max(2 * recent.length, keep + take.length, 256));
      // Kept while the stream is open: a spare much longer than asked for would be pinned.
      into = this.#layer.buffers?.take(size, { most: Math.min(margin, 2 * size) }) ??
        new Uint8Array(size);
    }
    if (keep > 0) into.set(recent.subarray(this.#recentLength - keep, this.#recentLength));
    if (into !== recent && recent !== NO_BYTES) this.#layer.buffers?.give(recent);
    into.set(take, keep);
    this.#recent = into;
    this.#recentLength = keep + take.length;
  }
}
