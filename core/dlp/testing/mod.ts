/**
 * Test inputs for the DLP engine that other folders use too (its own tests and the DLP
 * benchmark): hostile encodings, built at any size.
 *
 * @module
 * @example
 * ```ts
 * import { HOSTILE_ENCODINGS } from "./mod.ts";
 * const [name, make] = HOSTILE_ENCODINGS[0]!;
 * console.assert(name === "%25" && make(7) === "%25%25%");
 * ```
 */
import { Buffer } from "node:buffer";

/** `unit` repeated to exactly `size` characters. */
function fill(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/**
 * Inputs built to make the decoding views work hardest (escapes that decode to more escapes,
 * runs that switch alphabets, layers of encodings), by name, at any size: the scan must stay
 * linear on every one (tested for results, measured for time by `deno task bench:dlp`).
 */
export const HOSTILE_ENCODINGS: readonly (readonly [string, (size: number) => string])[] = [
  ["%25", (size) => fill("%25", size)],
  ["%252525…41", (size) => `%${fill("25", size)}41`],
  ["41:", (size) => fill("41:", size)],
  ["\\x41", (size) => fill("\\x41", size)],
  ["0x41, ", (size) => fill("0x41, ", size)],
  ["QUJD", (size) => fill("QUJD", size)],
  ["alternating alphabets", (size) => fill("QUJDRE-_+/", size)],
  ["short wrapped lines", (size) => fill("QUJD\n", size)],
  ["base32", (size) => fill("MFRGGZDF", size)],
  ["soft characters", (size) => fill("+/+/-_-_", size)],
  [
    "base64 of base64 of hex",
    (size) => {
      const b64 = (s: string) => Buffer.from(s, "latin1").toString("base64");
      return fill(b64(b64(Buffer.from("ABCDEFGHIJKL", "latin1").toString("hex"))), size);
    },
  ],
];
