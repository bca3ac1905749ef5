import assert from "node:assert/strict";
import { LineReader, MAX_HELD } from "./_line_reader.ts";

interface Piece {
  text: string;
  first: boolean;
  last: boolean;
}

function read(chunks: readonly string[]): Piece[] {
  const out: Piece[] = [];
  const reader = new LineReader((bytes, first, last) => {
    out.push({ text: new TextDecoder().decode(bytes), first, last });
  });
  for (const chunk of chunks) reader.push(new TextEncoder().encode(chunk));
  reader.end();
  return out;
}

Deno.test("LineReader.push() splits lines across any chunk boundary", () => {
  const text = "diff --git a/x b/x\n+one\n\n+two\nlast without newline";
  const expected = text.split("\n").map((t) => ({ text: t, first: true, last: true }));
  for (let cut = 0; cut <= text.length; cut++) {
    assert.deepEqual(read([text.slice(0, cut), text.slice(cut)]), expected, `cut at ${cut}`);
  }
  assert.deepEqual(read([...text]), expected);
});

Deno.test("LineReader.push() passes a line longer than MAX_HELD on in pieces", () => {
  const long = "x".repeat(3 * MAX_HELD + 5);
  const chunks = [
    `a\n${long.slice(0, 1000)}`,
    long.slice(1000, 2 * MAX_HELD),
    long.slice(2 * MAX_HELD),
  ];
  const pieces = read([...chunks, "\nb\n"]);
  assert.deepEqual(pieces[0], { text: "a", first: true, last: true });
  assert.deepEqual(pieces.at(-1), { text: "b", first: true, last: true });
  const middle = pieces.slice(1, -1);
  assert.equal(middle.map((p) => p.text).join(""), long);
  assert.ok(middle[0]!.first && middle[0]!.text.length >= MAX_HELD, "first piece is long enough");
  assert.ok(middle.slice(1).every((p) => !p.first));
  assert.ok(middle.at(-1)!.last && middle.slice(0, -1).every((p) => !p.last));
});
