import assert from "node:assert/strict";
import { parseRefUpdates, RefUpdateError } from "./mod.ts";

const A = "a".repeat(40);
const B = "0123456789abcdef".repeat(4);
const ZERO = "0".repeat(40);

Deno.test("parseRefUpdates() reads each line as old, new and ref", () => {
  assert.deepEqual(
    parseRefUpdates(`${ZERO} ${A} refs/heads/feature/x\n${A} ${ZERO} refs/tags/v1.0\n`),
    [
      { old: ZERO, new: A, ref: "refs/heads/feature/x" },
      { old: A, new: ZERO, ref: "refs/tags/v1.0" },
    ],
  );
  assert.deepEqual(parseRefUpdates(`${"0".repeat(64)} ${B} refs/heads/main`), [
    { old: "0".repeat(64), new: B, ref: "refs/heads/main" },
  ]);
  assert.deepEqual(parseRefUpdates(""), []);
});

Deno.test("parseRefUpdates() rejects a malformed line, naming its number", () => {
  const good = `${ZERO} ${A} refs/heads/main`;
  const cases: [string, RegExp][] = [
    [`${ZERO} ${A}`, /got 2 space-separated field/],
    [`${ZERO} ${A} refs/heads/a b`, /got 4 space-separated field/],
    [`${ZERO}  ${A} refs/heads/main`, /got 4 space-separated field/],
    ["", /got 1 space-separated field/],
    [`${ZERO} ${A.slice(1)} refs/heads/main`, /new id "a{39}" is not a 40- or 64-digit/],
    [`${ZERO} ${A.toUpperCase()} refs/heads/main`, /new id "A{40}" is not/],
    [`xyz ${A} refs/heads/main`, /old id "xyz" is not/],
    [`${ZERO} ${B} refs/heads/main`, /old and new ids differ in length/],
    [`${ZERO} ${A} heads/main`, /ref "heads\/main" does not start with "refs\/"/],
    [`${ZERO} ${A} refs/heads/x\ty`, /ref "refs\/heads\/x\\ty" contains a space or control/],
    [`${ZERO} ${A} refs/heads/main\r`, /contains a space or control character/],
  ];
  for (const [line, message] of cases) {
    assert.throws(
      () => parseRefUpdates(`${good}\n${line}\n${good}\n`),
      (e: unknown) =>
        e instanceof RefUpdateError && e instanceof SyntaxError && e.line === 2 &&
        e.message.startsWith("Cannot read pre-receive input: line 2: ") && message.test(e.message),
      line,
    );
  }
});
