/**
 * Mutations of raw bytes, applied after a structure-aware mutation (or alone): bits flipped, a
 * span cut, duplicated or overwritten with interesting values, null bytes, oversize runs, the
 * whole cut short.
 */
import { below, pick, type Random } from "./_random.ts";

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x20, 0x3a, 0x09];

/** One mutation of a byte string. */
type ByteMutation = (bytes: Uint8Array, r: Random) => Uint8Array;

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - remove + insert.length);
  out.set(bytes.subarray(0, at));
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

const BYTE_MUTATIONS: readonly ByteMutation[] = [
  // Flip one bit.
  (b, r) => {
    if (b.length === 0) return b;
    const out = b.slice();
    const i = below(r, out.length);
    out[i] = out[i]! ^ (1 << below(r, 8));
    return out;
  },
  // Overwrite a byte with an interesting value.
  (b, r) => {
    if (b.length === 0) return b;
    const out = b.slice();
    out[below(r, out.length)] = pick(INTERESTING, r);
    return out;
  },
  // Cut everything after a point.
  (b, r) => b.slice(0, below(r, b.length + 1)),
  // Remove a span.
  (b, r) => {
    const at = below(r, b.length + 1);
    return splice(b, at, below(r, b.length - at + 1), new Uint8Array());
  },
  // Duplicate a span in place.
  (b, r) => {
    const at = below(r, b.length + 1);
    const span = b.slice(at, at + 1 + below(r, 64));
    return splice(b, at, 0, span);
  },
  // Insert null bytes.
  (b, r) => splice(b, below(r, b.length + 1), 0, new Uint8Array(1 + below(r, 8))),
  // Insert an oversize run of one byte.
  (b, r) =>
    splice(
      b,
      below(r, b.length + 1),
      0,
      new Uint8Array(1 + below(r, 100_000)).fill(pick([0x41, 0x20, 0x0a, 0xff], r)),
    ),
];

/**
 * Apply one to four byte mutations.
 *
 * @param bytes The input.
 * @param r The case's stream.
 * @returns The mutated bytes (the input is not changed).
 */
export function mutateBytes(bytes: Uint8Array, r: Random): Uint8Array {
  let out = bytes;
  const count = 1 + below(r, 4);
  for (let m = 0; m < count; m++) out = pick(BYTE_MUTATIONS, r)(out, r);
  return out;
}
