import assert from "node:assert/strict";
import { terminalTint } from "./_terminal_tint.ts";

Deno.test("terminalTint() titles the terminal with the label, tints it with --color, undoes both", () => {
  assert.deepEqual(terminalTint("dev"), {
    enter: "\x1b]0;bot-bottle: dev\x1b\\",
    leave: "\x1b]0;\x1b\\",
  });
  const tinted = terminalTint("review", "blue");
  assert.equal(tinted.enter, "\x1b]0;bot-bottle: review\x1b\\\x1b]11;#0e1630\x1b\\");
  assert.equal(tinted.leave, "\x1b]111\x1b\\\x1b]0;\x1b\\", "the terminal's own background back");
});
