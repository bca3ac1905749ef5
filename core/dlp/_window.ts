import { Buffer } from "node:buffer";
import type { Finding } from "./_types.ts";

/**
 * A contiguous piece of the scanned stream: `bytes[0]` sits at absolute offset `base`.
 *
 * `base` is always a multiple of 4 and `bytes` starts at offset 0 of its own buffer, so passes can
 * read it four bytes at a time through a `Uint32Array` view.
 */
export class ScanWindow {
  /** Absolute offset of `bytes[0]`. */
  readonly base: number;
  /** The bytes, one per latin1 character. */
  readonly bytes: Uint8Array;
  /** True when no more input will follow (one-shot scans and `end()`). */
  readonly final: boolean;
  #text: string | undefined;

  /** Wrap bytes that start at absolute offset `base`; `text` is their latin1 decoding if known. */
  constructor(base: number, bytes: Uint8Array, final: boolean, text?: string) {
    this.base = base;
    this.bytes = bytes;
    this.final = final;
    this.#text = text;
  }

  /** Absolute offset one past the last byte. */
  get end(): number {
    return this.base + this.bytes.length;
  }

  /** The window as a string with one character per byte (decoded on first use). */
  text(): string {
    this.#text ??= latin1Slice.call(this.bytes, 0, this.bytes.length);
    return this.#text;
  }

  /**
   * A window over a whole string, for one-shot scans.
   *
   * @param into Where to write its bytes (4-byte aligned, at least as long as the text): a spare
   *   the caller takes back after the scan. Absent: a new buffer.
   */
  static ofText(text: string, into?: Uint8Array): ScanWindow {
    return new ScanWindow(0, latin1Bytes(text, into), true, text);
  }
}

/** Bytes `[start, end)` as a string of one character per byte. */
export function latin1Text(bytes: Uint8Array, start: number, end: number): string {
  return latin1Slice.call(bytes, start, end);
}

/**
 * Node's latin1 decoder, called on the bytes themselves: `Buffer.toString("latin1")` first wraps
 * them in a `Buffer` and looks the encoding up, which took as long as decoding a 64 KiB window.
 */
const latin1Slice: (this: Uint8Array, start: number, end: number) => string =
  (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string })
    .latin1Slice ??
    // Not a documented method: a runtime without it decodes the documented way.
    function (this: Uint8Array, start: number, end: number): string {
      return Buffer.from(this.buffer, this.byteOffset + start, end - start).toString("latin1");
    };

/** One detector's state over a stream; the same object serves one-shot scans with one window. */
export interface ScanPass {
  /** Report every finding that became certain in `win`; may remember state for the next window. */
  scan(win: ScanWindow, out: Finding[]): void;
  /** The smallest absolute offset this pass may still need to read. */
  keepFrom(): number;
}

/** No aligned words (shared: nothing can be written to it), for input too short to read by word. */
export const NO_WORDS: Uint32Array = new Uint32Array(0);

/** No bytes (shared: nothing can be written to it), aligned like {@link alignedBytes}. */
export const NO_BYTES: Uint8Array = alignedBytes(0);

/** The first `length` bytes of a buffer from the spares (the buffer itself when it fits exactly). */
export function leading(store: Uint8Array, length: number): Uint8Array {
  return store.length === length ? store : store.subarray(0, length);
}

/** A fresh, 4-byte aligned buffer of `length` usable bytes. */
export function alignedBytes(length: number): Uint8Array {
  return new Uint8Array(new ArrayBuffer((length + 3) & ~3), 0, length);
}

/**
 * Encode `text` one byte per character, into the start of `into` when given. Characters above
 * U+00FF (possible when the caller passes a decoded header) become byte 0, which no detector
 * treats as part of a token, so a zero-width space inside a secret acts as a separator instead of
 * hiding it.
 */
export function latin1Bytes(text: string, into?: Uint8Array): Uint8Array {
  const store = into ?? alignedBytes(text.length);
  const bytes = leading(store, text.length);
  Buffer.from(bytes.buffer, bytes.byteOffset, text.length).write(text, 0, text.length, "latin1");
  if (WIDE_CHAR.test(text)) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) > 0xff) bytes[i] = 0;
    }
  }
  return bytes;
}

const WIDE_CHAR = /[\u0100-\uffff]/;
