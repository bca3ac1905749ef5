/**
 * Percent-decoding for DLP: origins decode the request target and form bodies, so a secret with
 * one `%XX`-encoded character must be scanned in the form the origin will read. Decoding is
 * tolerant (a malformed `%` sequence stays as it is) and byte-wise (latin1), like the scanner.
 */
import { Buffer } from "node:buffer";

const PERCENT = 0x25;
const PLUS = 0x2b;
const SPACE = 0x20;

/**
 * Decode `%XX` sequences (and `+` as space when `plus` is set) in a string.
 *
 * @param text Latin1 text (a URL, a header value, a log field).
 * @param plus Whether `+` means space (query strings and form bodies).
 * @returns The decoded text; the same string when there was nothing to decode.
 */
export function looseDecode(text: string, plus = false): string {
  if (!text.includes("%") && !(plus && text.includes("+"))) return text;
  const decoder = new PercentDecoder(plus);
  const bytes = Buffer.concat([decoder.push(Buffer.from(text, "latin1")), decoder.end()]);
  return bytes.toString("latin1");
}

/** A streaming `%XX` decoder: a sequence split across chunks is decoded once complete. */
export class PercentDecoder {
  #carry: number[] = [];
  #plus: boolean;

  /** @param plus Whether `+` decodes to a space. */
  constructor(plus: boolean) {
    this.#plus = plus;
  }

  /**
   * Decode the next chunk.
   *
   * @param chunk Raw bytes.
   * @returns Decoded bytes (an incomplete trailing `%` or `%X` is kept for the next chunk).
   */
  push(chunk: Uint8Array): Uint8Array {
    const input = this.#carry.length === 0
      ? chunk
      : Buffer.concat([Buffer.from(this.#carry), chunk]);
    this.#carry = [];
    const out = Buffer.allocUnsafe(input.length);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const byte = input[i]!;
      if (byte === PERCENT) {
        if (i + 2 >= input.length) {
          this.#carry = [...input.subarray(i)];
          break;
        }
        const value = hex(input[i + 1]!) * 16 + hex(input[i + 2]!);
        if (value >= 0) {
          out[n++] = value;
          i += 2;
          continue;
        }
      }
      out[n++] = this.#plus && byte === PLUS ? SPACE : byte;
    }
    return out.subarray(0, n);
  }

  /** Flush an incomplete trailing sequence as it was. */
  end(): Uint8Array {
    const rest = Buffer.from(this.#carry);
    this.#carry = [];
    return rest;
  }
}

function hex(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -256;
}
