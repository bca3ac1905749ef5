import assert from "node:assert/strict";
import { LinePrefixer } from "./_prefix.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("LinePrefixer.push() prefixes every complete line of a chunk", () => {
  const prefixer = new LinePrefixer("egress");
  assert.equal(prefixer.push(bytes("one\ntwo\n")), "[egress] one\n[egress] two\n");
  assert.equal(prefixer.end(), "");
});

Deno.test("LinePrefixer.push() joins a line split across chunks", () => {
  const prefixer = new LinePrefixer("egress");
  assert.equal(prefixer.push(bytes("hel")), "");
  assert.equal(prefixer.push(bytes("lo\nwor")), "[egress] hello\n");
  assert.equal(prefixer.push(bytes("ld\n")), "[egress] world\n");
});

Deno.test("LinePrefixer.push() drops the CR of CRLF, even when split from its LF", () => {
  const prefixer = new LinePrefixer("egress");
  assert.equal(prefixer.push(bytes("a\r\nb\r")), "[egress] a\n");
  assert.equal(prefixer.push(bytes("\n")), "[egress] b\n");
});

Deno.test("LinePrefixer.push() keeps empty lines", () => {
  assert.equal(new LinePrefixer("x").push(bytes("\n\n")), "[x] \n[x] \n");
});

Deno.test("LinePrefixer.end() flushes the unterminated last line", () => {
  const prefixer = new LinePrefixer("egress");
  assert.equal(prefixer.push(bytes("done\npartial")), "[egress] done\n");
  assert.equal(prefixer.end(), "[egress] partial\n");
  assert.equal(prefixer.end(), "");
});

Deno.test("LinePrefixer.push() reassembles a UTF-8 character split across chunks", () => {
  const prefixer = new LinePrefixer("egress");
  const euro = bytes("€\n");
  assert.equal(prefixer.push(euro.subarray(0, 1)), "");
  assert.equal(prefixer.push(euro.subarray(1)), "[egress] €\n");
});

Deno.test("LinePrefixer.push() emits an endless line in pieces of maxLineChars", () => {
  const prefixer = new LinePrefixer("d", { maxLineChars: 4 });
  assert.equal(prefixer.push(bytes("abcdefghij")), "[d] abcd\n[d] efgh\n");
  assert.equal(prefixer.end(), "[d] ij\n");
});
