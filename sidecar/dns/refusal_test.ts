import assert from "node:assert/strict";
import { refusal } from "./_refusal.ts";

const encoder = new TextEncoder();

/** A name on the wire: length-prefixed labels and the root's zero. */
function wireName(name: string): number[] {
  return [...name.split(".").flatMap((label) => [label.length, ...encoder.encode(label)]), 0];
}

/** A header: id 0xbeef, the given flag bytes, one question unless told. */
function header(flags: [number, number], counts = [1, 0, 0, 0]): number[] {
  return [0xbe, 0xef, ...flags, ...counts.flatMap((n) => [0, n])];
}

/** QTYPE AAAA, QCLASS IN. */
const AAAA_IN = [0, 28, 0, 1];

Deno.test("refusal() answers a lookup with REFUSED, its id, opcode, RD and question, nothing more", () => {
  const question = [...wireName("example.com"), ...AAAA_IN];
  // RD set, as every stub resolver sends it; opcode 0.
  const reply = refusal(new Uint8Array([...header([0x01, 0x00]), ...question]));
  assert.deepEqual(reply, new Uint8Array([...header([0x81, 0x05]), ...question]));
});

Deno.test("refusal() keeps the opcode and drops AA, TC, AD, CD and Z", () => {
  const question = [...wireName("a.test"), ...AAAA_IN];
  // Opcode 2 (status), AA, TC and RD set in the first flag byte; RA, Z, AD, CD and an rcode in
  // the second.
  const reply = refusal(new Uint8Array([...header([0x17, 0xf3]), ...question]));
  assert.deepEqual(reply?.subarray(0, 4), new Uint8Array([0xbe, 0xef, 0x91, 0x05]));
});

Deno.test("refusal() leaves out an EDNS record that follows the question", () => {
  const question = [...wireName("a.test"), ...AAAA_IN];
  const opt = [0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0];
  const reply = refusal(
    new Uint8Array([...header([0x01, 0x20], [1, 0, 0, 1]), ...question, ...opt]),
  );
  assert.deepEqual(reply, new Uint8Array([...header([0x81, 0x05]), ...question]));
});

Deno.test("refusal() answers FORMERR with no question when there is not exactly one readable", () => {
  const good = [...wireName("a.test"), ...AAAA_IN];
  const cases: [string, number[]][] = [
    ["no question", header([0x01, 0x00], [0, 0, 0, 0])],
    ["two questions", [...header([0x01, 0x00], [2, 0, 0, 0]), ...good, ...good]],
    ["a compression pointer", [...header([0x01, 0x00]), 1, 0x61, 0xc0, 12, ...AAAA_IN]],
    ["a label over 63 bytes", [
      ...header([0x01, 0x00]),
      64,
      ...new Array(64).fill(0x61),
      0,
      ...AAAA_IN,
    ]],
    ["a name over 255 bytes", [
      ...header([0x01, 0x00]),
      ...Array.from({ length: 5 }, () => [60, ...new Array(60).fill(0x61)]).flat(),
      0,
      ...AAAA_IN,
    ]],
    ["a name cut short", [...header([0x01, 0x00]), 6, 0x61, 0x62]],
    ["no type and class", [...header([0x01, 0x00]), ...wireName("a.test"), 0, 28]],
  ];
  for (const [what, query] of cases) {
    assert.deepEqual(
      refusal(new Uint8Array(query)),
      new Uint8Array(header([0x81, 0x01], [0, 0, 0, 0])),
      what,
    );
  }
});

Deno.test("refusal() never answers a response or less than a header", () => {
  const question = [...wireName("a.test"), ...AAAA_IN];
  assert.equal(refusal(new Uint8Array([...header([0x81, 0x05]), ...question])), undefined);
  assert.equal(refusal(new Uint8Array(header([0x01, 0x00]).slice(0, 11))), undefined);
  assert.equal(refusal(new Uint8Array()), undefined);
});
