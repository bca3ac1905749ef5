import assert from "node:assert/strict";
import { keys, listed, listing, NOW, pending, plain, run } from "./_fixtures.ts";
import { renderScreen } from "./render_screen.ts";
import type { TuiEvent } from "./types.ts";
import { initialState, updateState } from "./update_state.ts";

const tall: TuiEvent = { type: "resize", size: { columns: 80, rows: 30 } };

Deno.test("renderScreen() fills the screen exactly and never exceeds the width", () => {
  for (const size of [{ columns: 80, rows: 12 }, { columns: 24, rows: 5 }]) {
    const state = updateState(listing([pending(1), pending(2)]), { type: "resize", size }).state;
    const rows = plain(renderScreen(state));
    assert.equal(rows.length, size.rows);
    for (const row of rows) assert.ok(Array.from(row).length <= size.columns, row);
  }
  assert.deepEqual(
    plain(renderScreen(initialState({ columns: 10, rows: 2 }, NOW))),
    ["terminal …", ""],
  );
});

Deno.test("renderScreen() lists proposals with age, tool and the first justification line", () => {
  const rows = plain(renderScreen(listing([pending(1), pending(2, { tool: "capability-block" })])));
  assert.equal(rows[0]?.trimEnd(), " bot-bottle supervise — 2 pending");
  assert.match(rows[1]?.trimEnd() ?? "", /^ {5}00000001 {2}dev-1 +egress-allow +2m {2}reason 1$/);
  assert.match(rows[2] ?? "", /00000002 {2}dev-1 +capability-block +2m {2}reason 2$/);
  assert.match(rows[11] ?? "", /a approve {2}r reject {2}m modify {2}q quit/);
});

Deno.test("renderScreen() highlights the selection in reverse video and new arrivals in yellow", () => {
  const state = run(listing([pending(1)]), listed([pending(1), pending(2)])).state;
  const rows = renderScreen(state);
  assert.ok(rows[1]?.startsWith("\x1b[7m"), rows[1]);
  assert.ok(rows[2]?.startsWith("\x1b[33mNEW  00000002"), rows[2]);
});

Deno.test("renderScreen() says when nothing is pending", () => {
  const rows = plain(renderScreen(listing([])));
  assert.equal(rows[0]?.trimEnd(), " bot-bottle supervise — 0 pending");
  assert.equal(rows[1], "No pending proposals. Waiting for agents to ask…");
});

Deno.test("renderScreen() shows the detail with justification and a colored diff, scrolling", () => {
  const diff = "--- live\n+++ proposed\n@@ -1 +1,2 @@\n routes:\n+  - host: registry.npmjs.org\n";
  const item = pending(1);
  const opened = run(listing([item]), ...keys("enter"), tall).state;
  assert.match(plain(renderScreen(opened))[1] ?? "", /^Loading…/);
  const detail = updateState(opened, { type: "described", detail: { ...item, ageMs: 0, diff } })
    .state;
  const rows = renderScreen(detail);
  const text = plain(rows);
  assert.match(text[0] ?? "", /proposal 00000001/);
  assert.ok(text.includes("Justification:"));
  assert.ok(text.includes("  reason 1"));
  assert.ok(text.includes("Diff against the live routes file:"));
  assert.ok(rows.includes("\x1b[32m+  - host: registry.npmjs.org\x1b[0m"));
  const small = run(detail, { type: "resize", size: { columns: 80, rows: 8 } }).state;
  const scrolled = plain(renderScreen(run(small, ...keys("j", "j")).state));
  assert.match(scrolled[1] ?? "", /^tool +egress-allow/);
  const bottom = plain(renderScreen(run(small, ...keys("G", "j")).state));
  assert.equal(bottom[5], "+  - host: registry.npmjs.org");
  const top = plain(renderScreen(run(small, ...keys("G", "k", "g")).state));
  assert.match(top[1] ?? "", /^id +00000001-aaaa-bbbb/);
});

Deno.test("renderScreen() shows a Dockerfile proposal whole", () => {
  const item = pending(1, { tool: "capability-block", proposed_file: "FROM x\nRUN y\n" });
  const opened = run(listing([item]), ...keys("enter"), tall).state;
  const text = plain(renderScreen(
    updateState(opened, {
      type: "described",
      detail: { ...item, ageMs: 0 },
    }).state,
  ));
  assert.deepEqual(text.slice(text.indexOf("Proposed file:") + 1, -2).filter((r) => r !== ""), [
    "FROM x",
    "RUN y",
  ]);
});

Deno.test("renderScreen() neutralizes terminal escapes planted in a proposal", () => {
  const evil = pending(1, {
    justification: "hi\x1b]0;pwned\x07\x1b[2J there",
    bottle_slug: "dev-1",
  });
  const rows = renderScreen(listing([evil]));
  assert.match(rows[1] ?? "", /hi\uFFFD\]0;pwned\uFFFD\uFFFD\[2J there/);
  // Escape sequences are exactly what this pattern is about.
  // deno-lint-ignore no-control-regex
  for (const row of rows) assert.doesNotMatch(row, /\x1b\]|\x07|\x1b\[2J/);
});

Deno.test("renderScreen() shows bidi override and isolate characters as visible escapes", () => {
  const evil = pending(1, { justification: "\u202ea\u2066b", bottle_slug: "dev-1" });
  const rows = renderScreen(listing([evil]));
  assert.match(rows[1] ?? "", /<U\+202E>a<U\+2066>b/);
  for (const row of rows) assert.doesNotMatch(row, /[\u202e\u2066]/);
});

Deno.test("renderScreen() shows the reason prompt and the status line", () => {
  const state = run(listing([pending(1)]), ...keys("r", "too broad")).state;
  const text = plain(renderScreen(state));
  assert.equal(text[11], "Reason to reject 00000001 (Enter rejects, Esc cancels): too broad█");
  const failed = updateState(state, { type: "decideFailed", id: "x", message: "boom" }).state;
  assert.equal(renderScreen(failed)[10], "\x1b[31mboom\x1b[0m");
  const long = updateState(state, { type: "decideFailed", id: "x", message: "x".repeat(170) });
  const rows = plain(renderScreen(long.state));
  assert.deepEqual(rows.slice(8, 11), ["x".repeat(80), "x".repeat(80), "x".repeat(10)]);
  assert.equal(rows.length, 12);
});
