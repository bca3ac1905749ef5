/**
 * A body stream's not-yet-forwarded tail. The DLP stream scanner may report a secret only after
 * it has seen bytes past it, so the proxy forwards only bytes before the scanner's `settled`
 * offset: no byte of a secret is forwarded before the scan that finds it.
 */
import { Buffer } from "node:buffer";

/** Bytes received but not yet forwarded, addressed by absolute stream offset. */
export class HeldBytes {
  #chunks: Buffer[] = [];
  #start = 0;
  #length = 0;

  /** Bytes currently held. */
  get length(): number {
    return this.#length;
  }

  /** Absolute stream offset of the first held byte. */
  get offset(): number {
    return this.#start;
  }

  /** Append a scanned chunk. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.#length += chunk.length;
  }

  /**
   * Remove and return held bytes before an absolute offset.
   *
   * @param end Absolute offset; bytes before it are released.
   * @returns Chunks to forward now.
   */
  releaseUpTo(end: number): Buffer[] {
    return this.#take(end - this.#start);
  }

  /**
   * Remove and return everything (end of stream, after the final scan).
   *
   * @returns Chunks to forward.
   */
  drain(): Buffer[] {
    return this.#take(this.#length);
  }

  /**
   * Overwrite held bytes in place (same-length redaction keeps Content-Length valid).
   *
   * @param start Absolute offset of the first byte.
   * @param end Absolute offset after the last byte.
   * @param fill The byte written.
   * @returns False when part of the range was already forwarded (it cannot be rewritten).
   */
  overwrite(start: number, end: number, fill: number): boolean {
    if (start < this.#start) return false;
    let offset = this.#start;
    for (const chunk of this.#chunks) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + chunk.length);
      if (from < to) chunk.fill(fill, from - offset, to - offset);
      offset += chunk.length;
    }
    return end <= offset;
  }

  /** Every held byte as one array: the one chunk held, or a copy of them joined. */
  all(): Uint8Array {
    return this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
  }

  /**
   * Copy of held bytes in a range (to remember an operator-approved value).
   *
   * @param start Absolute offset.
   * @param end Absolute end offset.
   * @returns The bytes as latin1 text, or undefined when not fully held.
   */
  text(start: number, end: number): string | undefined {
    if (start < this.#start || end > this.#start + this.#length) return undefined;
    const all = Buffer.concat(this.#chunks);
    return all.subarray(start - this.#start, end - this.#start).toString("latin1");
  }

  #take(count: number): Buffer[] {
    const out: Buffer[] = [];
    let remaining = count;
    while (remaining > 0 && this.#chunks.length > 0) {
      const head = this.#chunks[0]!;
      if (head.length <= remaining) {
        out.push(head);
        this.#chunks.shift();
        remaining -= head.length;
      } else {
        out.push(head.subarray(0, remaining));
        this.#chunks[0] = keep(head.subarray(remaining));
        remaining = 0;
      }
    }
    const moved = count > 0 ? count - remaining : 0;
    this.#start += moved;
    this.#length -= moved;
    return out;
  }
}

/**
 * The held part of a chunk whose start was forwarded: a copy when it is a small part of the
 * buffer it views (issue 19). A view pins its whole buffer: an undecided tail of a few hundred
 * bytes held a client's 64 KiB read for as long as the body lasted, 11 MiB for 200 uploads at once.
 */
function keep(tail: Buffer): Buffer {
  return tail.length * 2 <= tail.buffer.byteLength ? Buffer.from(tail) : tail;
}
