import assert from "node:assert/strict";
import { composePolicy, type Step } from "./compose_policy.ts";
import { ALLOW, deny } from "./_decision.ts";
import { request } from "./_testing.ts";
import type { Decision, PolicyContext } from "./types.ts";

type Ctx = PolicyContext & { seen: string[] };

function step(
  name: string,
  answer: Decision | (() => unknown),
): readonly [string, Step<Ctx, null>] {
  return [name, (ctx) => {
    ctx.seen.push(name);
    return (typeof answer === "function" ? answer() : answer) as Decision;
  }];
}

function ctx(): Ctx {
  return { req: request(), seen: [] };
}

Deno.test("composePolicy() runs every step in order and allows when all allow", async () => {
  const policy = composePolicy([step("a", ALLOW), step("b", ALLOW), step("c", ALLOW)], null);
  const outcome = await policy.decide(ctx());
  assert.deepEqual(outcome.decision, ALLOW);
  assert.deepEqual(outcome.ctx.seen, ["a", "b", "c"]);
  assert.equal(outcome.step, undefined);
});

Deno.test("composePolicy() stops at the first answer that is not allow", async () => {
  const respond: Decision = { action: "respond", status: 200, headers: [], body: "" };
  const refused = deny("no_route", "none");
  const answers: [Decision, Decision | (() => unknown)][] = [
    [refused, refused],
    [respond, respond],
    // A step that answers later (a DNS lookup, an operator's verdict) stops it the same way.
    [refused, () => Promise.resolve(refused)],
  ];
  for (const [expected, answer] of answers) {
    const policy = composePolicy([step("a", ALLOW), step("b", answer), step("c", ALLOW)], null);
    const outcome = await policy.decide(ctx());
    assert.deepEqual(outcome.decision, expected);
    assert.equal(outcome.step, "b");
    assert.deepEqual(outcome.ctx.seen, ["a", "b"], "the later steps never ran");
  }
});

Deno.test("composePolicy() denies internal_error for a step that throws or answers nonsense", async () => {
  const boom = new Error("boom");
  const cases: [string, () => unknown, unknown][] = [
    ["throws", () => {
      throw boom;
    }, boom],
    ["rejects", () => Promise.reject(boom), boom],
    ["answers a non-decision", () => ({ action: "maybe" }), undefined],
    ["denies with a success status", () => ({ ...deny("x", "y"), status: 200 }), undefined],
    ["answers nothing", () => undefined, undefined],
  ];
  for (const [label, answer, error] of cases) {
    const policy = composePolicy([step("a", ALLOW), step("b", answer), step("c", ALLOW)], null);
    const outcome = await policy.decide(ctx());
    assert.deepEqual(outcome.decision, {
      action: "deny",
      rule: "internal_error",
      reason: 'egress policy step "b" failed; the request was not sent',
      status: 403,
    }, label);
    assert.equal(outcome.step, "b", label);
    assert.equal(outcome.error, error, label);
    assert.deepEqual(outcome.ctx.seen, ["a", "b"], label);
  }
});

Deno.test("composePolicy() answers at once when no step waits, and runs on after one that waits", async () => {
  const now = composePolicy([step("a", ALLOW), step("b", ALLOW)], null).decide(ctx());
  assert.ok(!(now instanceof Promise), "steps that all answer at once give the outcome at once");
  assert.deepEqual(now.decision, ALLOW);

  const later = composePolicy(
    [step("a", ALLOW), step("b", () => Promise.resolve(ALLOW)), step("c", deny("x", "y"))],
    null,
  ).decide(ctx());
  assert.ok(later instanceof Promise, "a step that waits makes the outcome wait");
  const outcome = await later;
  assert.equal(outcome.step, "c", "the steps after the one that waited still decide");
  assert.deepEqual(outcome.ctx.seen, ["a", "b", "c"]);
});

Deno.test("composePolicy() judges the steps after one that waited as it judges the first ones", async () => {
  const boom = new Error("boom");
  const waits = () => Promise.resolve(ALLOW);
  const cases: [string, () => unknown, Decision, unknown][] = [
    ["denies", () => deny("x", "y"), deny("x", "y"), undefined],
    [
      "throws",
      () => {
        throw boom;
      },
      failedStep("c"),
      boom,
    ],
    ["rejects", () => Promise.reject(boom), failedStep("c"), boom],
    [
      "answers a non-decision later",
      () => Promise.resolve({ action: "maybe" }),
      failedStep("c"),
      undefined,
    ],
  ];
  for (const [label, answer, expected, error] of cases) {
    const policy = composePolicy(
      [step("a", ALLOW), step("b", waits), step("c", answer), step("d", ALLOW)],
      null,
    );
    const outcome = await policy.decide(ctx());
    assert.deepEqual(outcome.decision, expected, label);
    assert.equal(outcome.step, "c", label);
    assert.equal(outcome.error, error, label);
    assert.deepEqual(outcome.ctx.seen, ["a", "b", "c"], label);
  }
});

/** The deny of a step that failed. */
function failedStep(name: string): Decision {
  return {
    action: "deny",
    rule: "internal_error",
    reason: `egress policy step "${name}" failed; the request was not sent`,
    status: 403,
  };
}
