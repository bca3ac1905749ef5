import assert from "node:assert/strict";
import { lineDiff } from "./line_diff.ts";

Deno.test("lineDiff() is empty for equal texts", () => {
  assert.equal(lineDiff("a\nb\n", "a\nb\n"), "");
});

Deno.test("lineDiff() prints a unified hunk with removals before additions", () => {
  assert.equal(
    lineDiff("a\nb\nc\n", "a\nB\nc\nd\n", { from: "live", to: "proposed" }),
    "--- live\n+++ proposed\n@@ -1,3 +1,4 @@\n a\n-b\n+B\n c\n+d\n",
  );
});

Deno.test("lineDiff() keeps only the context lines around distant changes", () => {
  const before = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join("\n") + "\n";
  const after = before.replace("line 2\n", "two\n").replace("line 19\n", "nineteen\n");
  assert.equal(
    lineDiff(before, after, { context: 1 }),
    [
      "--- before",
      "+++ after",
      "@@ -1,3 +1,3 @@",
      " line 1",
      "-line 2",
      "+two",
      " line 3",
      "@@ -18,3 +18,3 @@",
      " line 18",
      "-line 19",
      "+nineteen",
      " line 20",
      "",
    ].join("\n"),
  );
});

Deno.test("lineDiff() shows a new file as all additions", () => {
  assert.equal(lineDiff("", "x\ny\n"), "--- before\n+++ after\n@@ -0,0 +1,2 @@\n+x\n+y\n");
});
