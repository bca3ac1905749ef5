import assert from "node:assert/strict";
import { parseKeys } from "./parse_keys.ts";

Deno.test("parseKeys() reads arrows, paging and letters from one chunk", () => {
  assert.deepEqual(parseKeys("\x1b[A\x1b[Bj\x1bOA\x1b[5~\x1b[6~"), [
    { name: "up" },
    { name: "down" },
    { char: "j" },
    { name: "up" },
    { name: "pageup" },
    { name: "pagedown" },
  ]);
});

Deno.test("parseKeys() tells a lone Escape from a sequence and maps control keys", () => {
  assert.deepEqual(parseKeys("\x1b"), [{ name: "escape" }]);
  assert.deepEqual(parseKeys("\x1b\x1b[B"), [{ name: "escape" }, { name: "down" }]);
  assert.deepEqual(parseKeys("\r\x7f\x03\x15"), [
    { name: "enter" },
    { name: "backspace" },
    { name: "ctrl-c" },
    { name: "ctrl-u" },
  ]);
});

Deno.test("parseKeys() keeps non-ASCII text and drops unknown sequences and controls", () => {
  assert.deepEqual(parseKeys("é\x1b[2~\x01ü"), [{ char: "é" }, { char: "ü" }]);
});
