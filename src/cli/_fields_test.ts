import assert from "node:assert/strict";
import { renderFields } from "./_fields.ts";

Deno.test("renderFields() aligns values and indents continuation lines", () => {
  const text = renderFields("Agent dev", [["file", "/a.md"], ["egress", "a.com\nb.com"]]);
  assert.equal(
    text,
    "Agent dev\n\n  file:   /a.md\n  egress: a.com\n          b.com\n",
  );
});

Deno.test("renderFields() prints a heading alone when there are no fields", () => {
  assert.equal(renderFields("Nothing", []), "Nothing\n\n");
});
