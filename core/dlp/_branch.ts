/**
 * One decoded stream of the decoded view: the bytes a decoder produced, scanned by fresh passes
 * and by the next layer of views, every finding moved back onto the parent's offsets. A finding
 * of this layer's passes is reported only when this layer's decoding took part in it (an escape
 * inside it or just before it, or any byte of a base64, base32 or hex run); one of a deeper layer
 * always is. Each remembers which decodings led to it.
 */
import type { Buffers } from "./_buffers.ts";
import { PassStream } from "./_stream.ts";
import type { Finding } from "./_types.ts";
import type { ScanPass } from "./_window.ts";

/** A finding inside the decoded view, with the decodings applied, outermost first. */
export type ViewFinding = Finding & { via?: string[] };

/** A decoded view over one input stream (the raw stream, or a layer's decoded bytes). */
export interface View {
  /**
   * Read the next input bytes.
   *
   * @param chunk The bytes (not kept: the caller may reuse them).
   * @param start Offset of `chunk[0]` in the input stream.
   * @param final No more input follows.
   * @returns Findings with input offsets.
   */
  push(chunk: Uint8Array, start: number, final: boolean): ViewFinding[];
  /** No finding reported later can start before this input offset. */
  readonly settled: number;
}

/**
 * Where the decoding of the layer above produced input bytes. Where it did not, that input is the
 * parent's input byte for byte, and the parent's own views read it.
 */
export interface Touched {
  /** Whether it produced any byte of input `[start, end)`. */
  within(start: number, end: number): boolean;
  /** The first input offset at or after `from` that it produced (Infinity when none yet). */
  next(from: number): number;
}

/**
 * Builds the views of one layer (empty past the deepest layer). `touched` is given when the layer
 * decodes only here and there (escapes), so views can leave what it did not change to the parent.
 */
export type Views = (depth: number, touched?: Touched) => View[];

/** Where a view reads: what each of its decoded streams is scanned with. */
export interface Layer {
  /** Fresh passes for each decoded stream. */
  readonly passes: () => ScanPass[];
  /** The layers below this one. */
  readonly views: Views;
  /** This layer's depth (1 reads the raw stream). */
  readonly depth: number;
  /** Where the layer above decoded something, when it decodes only here and there. */
  readonly touched?: Touched | undefined;
  /** Where buffers are taken from and given back to. */
  readonly buffers?: Buffers | undefined;
}

/** How decoded offsets map back onto the parent stream. */
export interface Mapper {
  /** The parent span of decoded `[start, end)`, and whether decoding took part in it. */
  toParent(start: number, end: number): { start: number; end: number; decoded: boolean };
  /** Parent offset where decoded byte `dec` begins. */
  parentOffset(dec: number): number;
  /** Drop what is needed only for decoded offsets before `dec`. */
  forget(dec: number): void;
}

/** A decoded stream, its passes and its child views. */
export class Branch {
  readonly #scanner: PassStream;
  readonly #children: View[];
  readonly #map: Mapper;
  readonly #phrase: string;
  #fed = 0;

  /**
   * @param passes Fresh passes for this stream.
   * @param links The next layer's views over it (`children`), how decoded offsets map to the
   *   parent's (`map`), the decoding as findings name it (`phrase`: `base64 decoding`), and where
   *   its window buffers come from (`buffers`).
   */
  constructor(
    passes: ScanPass[],
    links: { children: View[]; map: Mapper; phrase: string; buffers?: Buffers | undefined },
  ) {
    this.#scanner = new PassStream(passes, links.buffers);
    this.#children = links.children;
    this.#map = links.map;
    this.#phrase = links.phrase;
  }

  /** Decoded bytes fed so far. */
  get fed(): number {
    return this.#fed;
  }

  /** Scan the next decoded bytes; returns findings with parent offsets. */
  push(decoded: Uint8Array, final: boolean): ViewFinding[] {
    const start = this.#fed;
    this.#fed += decoded.length;
    const found: ViewFinding[] = this.#scanner.push(decoded);
    if (final) found.push(...this.#scanner.end());
    for (const child of this.#children) found.push(...child.push(decoded, start, final));
    const out: ViewFinding[] = [];
    for (const finding of found) {
      const span = this.#map.toParent(finding.start, finding.end);
      // This layer's own passes report only what its decoding took part in (the rest the layer
      // above sees too); a deeper layer's finding already took a decoding to be seen.
      if (!span.decoded && finding.via === undefined) continue;
      out.push({
        ...finding,
        start: span.start,
        end: span.end,
        via: [this.#phrase, ...finding.via ?? []],
      });
    }
    if (!final) this.#map.forget(this.settled);
    return out;
  }

  /** Decoded offset before which no finding will start. */
  get settled(): number {
    let settled = this.#scanner.settled;
    for (const child of this.#children) settled = Math.min(settled, child.settled);
    return settled;
  }

  /** Parent offset before which no finding will start. */
  get parentSettled(): number {
    return this.#map.parentOffset(this.settled);
  }
}
