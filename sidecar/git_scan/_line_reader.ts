/** Receives one line, or one piece of a line too long to hold (`first`/`last` mark the ends). */
export type LineHandler = (bytes: Uint8Array, first: boolean, last: boolean) => void;

const NL = 0x0a;
/** A line longer than this is passed on in pieces; shorter ones always arrive whole. */
export const MAX_HELD = 64 * 1024;

/**
 * Splits a byte stream into lines without the newline. Lines inside a chunk are passed as views
 * (no copy); a line cut by a chunk boundary is held until complete, unless it grows past
 * {@link MAX_HELD}: then it is passed on in pieces, so one 50 MB line is never held.
 */
export class LineReader {
  readonly #onLine: LineHandler;
  readonly #held = new Uint8Array(MAX_HELD);
  #heldLength = 0;
  /** True while a line has been partly passed on. */
  #inLine = false;

  /** Deliver lines to `onLine`. */
  constructor(onLine: LineHandler) {
    this.#onLine = onLine;
  }

  /** Split the next chunk; the views passed to the handler are valid during the call only. */
  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(NL, pos);
      const last = nl !== -1;
      const part = chunk.subarray(pos, last ? nl : chunk.length);
      pos = last ? nl + 1 : chunk.length;
      if (!last && !this.#inLine && this.#heldLength + part.length < MAX_HELD) {
        this.#held.set(part, this.#heldLength);
        this.#heldLength += part.length;
      } else {
        this.#emit(this.#withHeld(part), last);
      }
    }
  }

  /** Pass on a final line that had no newline. */
  end(): void {
    if (this.#heldLength > 0 || this.#inLine) this.#emit(this.#withHeld(new Uint8Array(0)), true);
  }

  #emit(bytes: Uint8Array, last: boolean): void {
    const first = !this.#inLine;
    this.#inLine = !last;
    this.#onLine(bytes, first, last);
  }

  #withHeld(part: Uint8Array): Uint8Array {
    if (this.#heldLength === 0) return part;
    const out = new Uint8Array(this.#heldLength + part.length);
    out.set(this.#held.subarray(0, this.#heldLength));
    out.set(part, this.#heldLength);
    this.#heldLength = 0;
    return out;
  }
}
