import assert from "node:assert/strict";
import { looseDecode, PercentDecoder } from "./_percent.ts";

Deno.test("looseDecode() decodes %XX, keeps malformed sequences, and + only when asked", () => {
  assert.equal(looseDecode("%62bcanary%2Dx"), "bbcanary-x");
  assert.equal(looseDecode("100%", false), "100%");
  assert.equal(looseDecode("%zz%4"), "%zz%4");
  assert.equal(looseDecode("a+b"), "a+b");
  assert.equal(looseDecode("a+b", true), "a b");
  const same = "no escapes here";
  assert.equal(looseDecode(same), same);
});

Deno.test("PercentDecoder decodes a sequence split at every position across chunks", () => {
  const input = "t=ghp%5Fabc%2b%41";
  for (let cut = 0; cut <= input.length; cut++) {
    const decoder = new PercentDecoder(true);
    const parts = [
      decoder.push(new TextEncoder().encode(input.slice(0, cut))),
      decoder.push(new TextEncoder().encode(input.slice(cut))),
      decoder.end(),
    ];
    assert.equal(
      parts.map((p) => new TextDecoder().decode(p)).join(""),
      "t=ghp_abc+A",
      `cut ${cut}`,
    );
  }
});
