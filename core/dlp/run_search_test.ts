import assert from "node:assert/strict";
import { ALPHABET_SOFT, CLASS, HEXISH_SOFT, nextOf } from "./_run_search.ts";

Deno.test("nextOf() finds the first soft character at every alignment, as a byte-wise scan does", () => {
  const text = "Zm9vYmFyYmF6cXV4dGVzdGluZ29uZXR3b3RocmVl+abc/def:01,23-45 67\\x89_end";
  const buffer = new Uint8Array(text.length + 8);
  for (let shift = 0; shift < 4; shift++) {
    const bytes = buffer.subarray(shift, shift + text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const lead = Math.min(bytes.length, (4 - (bytes.byteOffset & 3)) & 3);
    const words = new Uint32Array(
      buffer.buffer,
      bytes.byteOffset + lead,
      (bytes.length - lead) >>> 2,
    );
    for (const bit of [ALPHABET_SOFT, HEXISH_SOFT]) {
      for (let from = 0; from <= text.length; from++) {
        for (let to = from; to <= text.length; to++) {
          let expected = from;
          while (expected < to && (CLASS[bytes[expected]!]! & bit) === 0) expected++;
          assert.equal(
            nextOf(bytes, { from, to }, words, lead, bit),
            expected,
            `${shift} ${from} ${to}`,
          );
        }
      }
    }
  }
});
