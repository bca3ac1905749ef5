import assert from "node:assert/strict";
import { keys, listed, listing, NOW, pending, run } from "./_fixtures.ts";
import { initialState, updateState } from "./update_state.ts";

Deno.test("updateState() selects the first proposal and moves with arrows and j/k", () => {
  const state = listing([pending(1), pending(2), pending(3)]);
  assert.equal(state.selectedId, pending(1).proposal.id);
  assert.equal(run(state, ...keys("down", "j")).state.selectedId, pending(3).proposal.id);
  assert.equal(run(state, ...keys("down", "j", "j", "j")).state.selectedId, pending(3).proposal.id);
  assert.equal(run(state, ...keys("j", "up", "k")).state.selectedId, pending(1).proposal.id);
  assert.equal(run(state, ...keys("G")).state.selectedId, pending(3).proposal.id);
});

Deno.test("updateState() rings and highlights arrivals after the first listing only", () => {
  const first = run(initialState({ columns: 80, rows: 12 }, NOW), listed([pending(1)]));
  assert.deepEqual(first.effects, []);
  assert.equal(first.state.fresh.size, 0);
  const next = run(first.state, listed([pending(1), pending(2)]));
  assert.deepEqual(next.effects, [{ type: "bell" }]);
  assert.deepEqual([...next.state.fresh], [pending(2).proposal.id]);
  assert.deepEqual(run(next.state, listed([pending(1), pending(2)])).effects, []);
});

Deno.test("updateState() keeps the selection on the same proposal across listings", () => {
  const state = run(listing([pending(1), pending(2)]), ...keys("j")).state;
  const moved = run(state, listed([pending(0), pending(1), pending(2)])).state;
  assert.equal(moved.selectedId, pending(2).proposal.id);
  const gone = run(moved, listed([pending(0), pending(1)])).state;
  assert.equal(gone.selectedId, undefined, "never moved onto a proposal nobody chose");
  assert.deepEqual(run(gone, ...keys("a")).effects, [], "a then approves nothing");
  assert.equal(run(gone, ...keys("j")).state.selectedId, pending(0).proposal.id);
});

Deno.test("updateState() opens the detail view, describes, and goes back with Esc", () => {
  const arrived = run(listing([pending(1)]), listed([pending(1), pending(2)])).state;
  const opened = run(arrived, ...keys("j", "enter"));
  assert.equal(opened.state.view, "detail");
  assert.deepEqual(opened.effects, [{ type: "describe", id: pending(2).proposal.id }]);
  assert.equal(opened.state.fresh.size, 0);
  const back = run(opened.state, ...keys("escape")).state;
  assert.equal(back.view, "list");
});

Deno.test("updateState() leaves the detail view when its proposal was answered elsewhere", () => {
  const opened = run(listing([pending(1), pending(2)]), ...keys("enter")).state;
  const after = run(opened, listed([pending(2)])).state;
  assert.equal(after.view, "list");
  assert.match(after.status?.text ?? "", /00000001 is no longer pending/);
});

Deno.test("updateState() approves a capability-block at once and an egress-token-allow with a reason", () => {
  const plainApprove = run(listing([pending(1, { tool: "capability-block" })]), ...keys("a"));
  assert.deepEqual(plainApprove.effects, [{ type: "approve", id: pending(1).proposal.id }]);
  assert.equal(plainApprove.state.busy, true);
  assert.deepEqual(run(plainApprove.state, ...keys("a")).effects, []);

  const token = listing([pending(1, { tool: "egress-token-allow" })]);
  const asked = run(token, ...keys("a"));
  assert.deepEqual(asked.effects, []);
  assert.equal(asked.state.prompt?.kind, "approve");
  const empty = run(asked.state, ...keys("  ", "enter"));
  assert.deepEqual(empty.effects, []);
  assert.deepEqual(empty.state.status, { text: "a reason is required to approve", error: true });
  const typed = run(asked.state, ...keys("test key", "enter"));
  assert.deepEqual(typed.effects, [
    { type: "approve", id: pending(1).proposal.id, reason: "test key" },
  ]);
  assert.equal(typed.state.prompt, undefined);
});

Deno.test("updateState() rejects with a typed reason; Esc cancels and backspace edits", () => {
  const state = listing([pending(1)]);
  const cancelled = run(state, ...keys("r", "no", "escape"));
  assert.deepEqual(cancelled.effects, []);
  assert.equal(cancelled.state.prompt, undefined);
  assert.equal(cancelled.state.status?.text, "cancelled");
  const typed = run(state, ...keys("r", "nox", "backspace", "q", "enter"));
  assert.deepEqual(typed.effects, [{ type: "reject", id: pending(1).proposal.id, reason: "noq" }]);
  const cleared = run(state, ...keys("r", "abc", "ctrl-u", "enter"));
  assert.deepEqual(cleared.state.status, { text: "a reason is required to reject", error: true });
});

Deno.test("updateState() shows a failed decision and keeps the proposal; a success removes it", () => {
  const busy = run(listing([pending(1, { tool: "capability-block" })]), ...keys("a")).state;
  const failed = updateState(busy, {
    type: "decideFailed",
    id: pending(1).proposal.id,
    message: "Cannot approve proposal: disk full; the proposal stays pending",
  }).state;
  assert.equal(failed.busy, false);
  assert.equal(failed.items.length, 1);
  assert.deepEqual(failed.status, {
    text: "Cannot approve proposal: disk full; the proposal stays pending",
    error: true,
  });
  const decided = updateState(busy, {
    type: "decided",
    id: pending(1).proposal.id,
    message: "approved 00000001",
  }).state;
  assert.equal(decided.items.length, 0);
  assert.equal(decided.selectedId, undefined);
  assert.equal(decided.status?.text, "approved 00000001");
});

Deno.test("updateState() points modify to approve --file and quits on q and Ctrl-C", () => {
  const state = listing([pending(1)]);
  const modify = run(state, ...keys("m"));
  assert.match(modify.state.status?.text ?? "", /supervise approve <id> --file FILE/);
  assert.deepEqual(modify.effects, []);
  assert.deepEqual(run(state, ...keys("q")).effects, [{ type: "quit" }]);
  assert.deepEqual(run(state, ...keys("r", "ctrl-c")).effects, [{ type: "quit" }]);
  assert.deepEqual(run(state, ...keys("r", "q")).effects, []);
});

Deno.test("updateState() ignores decisions with nothing selected and tracks resizes", () => {
  const empty = listing([]);
  assert.deepEqual(run(empty, ...keys("a", "r", "enter")).effects, []);
  assert.equal(run(empty, ...keys("r")).state.prompt, undefined);
  const resized = updateState(empty, { type: "resize", size: { columns: 40, rows: 9 } }).state;
  assert.deepEqual(resized.size, { columns: 40, rows: 9 });
});
