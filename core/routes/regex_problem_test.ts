import assert from "node:assert/strict";
import { regexProblem } from "./mod.ts";

const SAFE = [
  "/api/v[0-9]+/.*",
  "[a-z]+",
  "(GET|POST)+",
  "(?:foo|bar)*",
  "(ab){3}",
  "(a+)",
  "^/repos/[^/]+/[^/]+/pulls$",
  "\\d+\\.\\d+",
  "(?<name>x)y",
  "(\\.|/)x",
  "a{2,5}",
  "(?=x)x+",
];

const NESTED = ["(a+)+", "(a*)*", "(.*)*", "(?:x+){2,}", "((a)+)+", "([a-z]+)*", "(a+){2,5}"];

const OVERLAP = ["(a|ab)*", "(a|a)+", "(\\w|\\d)+", "(.|x)*", "(|a)+", "(a?b|a)*"];

for (const pattern of SAFE) {
  Deno.test(`regexProblem() accepts ${pattern}`, () => {
    assert.equal(regexProblem(pattern), undefined);
  });
}

for (const pattern of NESTED) {
  Deno.test(`regexProblem() refuses nested quantifiers in ${pattern}`, () => {
    assert.match(regexProblem(pattern) ?? "", /catastrophic backtracking: .*nested quantifiers/);
  });
}

for (const pattern of OVERLAP) {
  Deno.test(`regexProblem() refuses overlapping alternatives in ${pattern}`, () => {
    assert.match(
      regexProblem(pattern) ?? "",
      /catastrophic backtracking: .*alternatives that can start with the same character/,
    );
  });
}

Deno.test("regexProblem() refuses patterns that do not compile or are too long", () => {
  assert.match(regexProblem("[a-") ?? "", /^is not a valid regular expression: /);
  assert.equal(regexProblem("a".repeat(1001)), "must be at most 1000 characters long");
  assert.equal(regexProblem("a".repeat(1000)), undefined);
  assert.equal(
    regexProblem("a\nb"),
    "must not contain control characters; write them as escapes (\\n, \\t)",
  );
  assert.equal(regexProblem("a\\nb"), undefined);
});
