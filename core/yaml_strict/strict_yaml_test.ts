import assert from "node:assert/strict";
import { z } from "zod";
import { ManifestError } from "../errors/mod.ts";
import { didYouMean, parseStrictYaml, validateYaml } from "./mod.ts";

const SUBJECT = 'Cannot load bottle "dev"';

function parseError(text: string, lineOffset = 0): ManifestError {
  try {
    parseStrictYaml(text, "/f.md", { subject: SUBJECT, lineOffset });
  } catch (err) {
    assert.ok(err instanceof ManifestError, `expected ManifestError, got ${err}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to be rejected`);
}

const REJECTED: [string, string, number, number, RegExp][] = [
  ["duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, /duplicate key "a"; each key may appear only once/],
  ["duplicate quoted key", 'x:\n  "k": 1\n  k: 2\n', 3, 3, /duplicate key "k"/],
  ["anchor", "a: &x 1\nb: 2\n", 1, 4, /anchors \(&x\) are not allowed/],
  ["anchor on a mapping", "a: &base\n  k: 1\nb: *base\n", 1, 4, /anchors \(&base\)/],
  ["alias after a quoted anchor name", "a: [1]\nb: *nope\n", 2, 4, /invalid YAML|aliases/],
  ["core tag", "a: !!str 5\n", 1, 4, /tags \(!!str\) are not allowed; quote the value/],
  ["local tag", "a:\n  b: !foo bar\n", 2, 6, /tags \(!foo\)/],
  ["tab indentation", "a:\n\t- x\n", 2, 1, /tabs are not allowed for indentation; use spaces/],
  ["tab after spaces", "a:\n  b: 1\n \tc: 2\n", 3, 2, /tabs are not allowed/],
  ["yes", "a: yes\n", 1, 4, /ambiguous value yes: YAML 1\.1 reads it as a boolean/],
  ["Off", "env:\n  X: Off\n", 2, 6, /ambiguous value Off.*quote it \("Off"\)/],
  ["N", "a: N\n", 1, 4, /ambiguous value N/],
  ["on in a list", "a:\n  - on\n", 2, 5, /ambiguous value on/],
  ["y in a flow list", "a: [1, y]\n", 1, 8, /ambiguous value y/],
  ["two documents", "a: 1\n---\nb: 2\n", 2, 1, /exactly one YAML document/],
  ["document end then more", "a: 1\n...\nb: 2\n", 3, 1, /exactly one YAML document/],
  ["directive", "%YAML 1.1\n---\na: 1\n", 1, 1, /directives .* are not allowed/],
  ["unclosed quote", "a: 'x\nb: 1\n", 3, 1, /invalid YAML: Missing closing 'quote/],
  ["complex key", "? [a]\n: 1\n", 1, 3, /complex \(non-scalar\) keys/],
  ["a __proto__ key", "env:\n  __proto__: x\n", 2, 3, /the key "__proto__" is not allowed/],
];

for (const [name, text, line, column, pattern] of REJECTED) {
  Deno.test(`parseStrictYaml() rejects ${name} at ${line}:${column}`, () => {
    const err = parseError(text);
    assert.match(err.message, pattern);
    assert.ok(err.message.startsWith(`/f.md:${line}:${column}: ${SUBJECT}: `), err.message);
    assert.deepEqual([err.file, err.line, err.column], ["/f.md", line, column]);
  });
}

Deno.test("parseStrictYaml() adds the frontmatter's line offset to every position", () => {
  const err = parseError("a: 1\nb: on\n", 1);
  assert.deepEqual([err.line, err.column], [3, 4]);
  const tab = parseError("a:\n\t- x\n", 1);
  assert.deepEqual([tab.line, tab.column], [3, 1]);
});

Deno.test("parseStrictYaml() accepts quoted ambiguous words, 1.1 words as keys and plain text", () => {
  const doc = parseStrictYaml(
    'a: "yes"\nb: \'off\'\ny: 1\nn: true\nc: yesterday\nd: "x\\ty"\ne: a\tb\n',
    "/f.md",
    { subject: SUBJECT },
  );
  assert.deepEqual(doc.value, {
    a: "yes",
    b: "off",
    y: 1,
    n: true,
    c: "yesterday",
    d: "x\ty",
    e: "a\tb",
  });
});

Deno.test("parseStrictYaml() reads an empty or comment-only text as null", () => {
  assert.equal(parseStrictYaml("", "/f.md", { subject: SUBJECT }).value, null);
  assert.equal(parseStrictYaml("# nothing\n", "/f.md", { subject: SUBJECT }).value, null);
});

const Schema = z.strictObject({
  env: z.record(
    z.string().regex(/^[A-Z_]+$/, { error: "names must be upper case" }),
    z.string(),
  ).optional(),
  egress: z.strictObject({
    log: z.literal([0, 1, 2]).optional(),
    routes: z.array(z.strictObject({
      host: z.string(),
      mode: z.enum(["supervise", "block", "redact"]).optional(),
      dlp: z.union([z.literal(false), z.array(z.enum(["a", "b"]))]).optional(),
    })).optional(),
  }).optional(),
  supervise: z.boolean().optional(),
  name: z.string().refine((s) => !s.includes(" "), { error: "must not contain spaces" })
    .optional(),
});

function validationError(
  text: string,
  hint?: (path: readonly (string | number)[], key: string) => string | undefined,
) {
  const doc = parseStrictYaml(text, "/f.md", { subject: SUBJECT, lineOffset: 1 });
  try {
    validateYaml(doc, Schema, hint ? { unknownKeyHint: hint } : {});
  } catch (err) {
    assert.ok(err instanceof ManifestError);
    return err;
  }
  assert.fail("expected a validation error");
}

const INVALID: [string, string, number, number, string][] = [
  [
    "unknown top-level key with a suggestion",
    "supervise: true\negres: {}\n",
    3,
    1,
    'unknown key "egres" (did you mean "egress"?)',
  ],
  [
    "unknown nested key with a transposition",
    "egress:\n  routes:\n    - hots: a\n",
    4,
    7,
    'unknown key "hots" in egress.routes[0] (did you mean "host"?)',
  ],
  [
    "unknown key without a near match lists the allowed keys",
    "egress:\n  zzzzzz: 1\n",
    3,
    3,
    'unknown key "zzzzzz" in egress (allowed: log, routes)',
  ],
  [
    "number where a string is expected",
    "env:\n  PORT: 8080\n",
    3,
    9,
    'env.PORT must be a string, got the number 8080 (quote it if you mean the text: "8080")',
  ],
  [
    "missing required key points at its mapping",
    "egress:\n  routes:\n    - mode: block\n",
    4,
    7,
    'missing required key "host" in egress.routes[0]',
  ],
  [
    "enum value with a suggestion",
    "egress:\n  routes:\n    - host: a\n      mode: supervize\n",
    5,
    13,
    'egress.routes[0].mode must be one of supervise, block, redact, got "supervize" ' +
    '(did you mean "supervise"?)',
  ],
  [
    "literal numbers",
    "egress:\n  log: 3\n",
    3,
    8,
    "egress.log must be one of 0, 1, 2, got the number 3",
  ],
  [
    "a union reports the branch that got furthest",
    "egress:\n  routes:\n    - host: a\n      dlp: [a, c]\n",
    5,
    16,
    'egress.routes[0].dlp[1] must be one of a, b, got "c"',
  ],
  [
    "an invalid record key points at the key",
    "env:\n  lower: x\n",
    3,
    3,
    'invalid key "lower" in env: names must be upper case',
  ],
  [
    "boolean expected",
    "supervise: maybe\n",
    2,
    12,
    'supervise must be true or false, got "maybe"',
  ],
  ["custom refinement message", "name: a b\n", 2, 7, "name must not contain spaces"],
  ["wrong top-level shape", "- a\n", 2, 1, "the top level must be a mapping, got a list"],
  [
    "a missing value points at its key",
    "egress:\n  routes:\n    - host:\n",
    4,
    7,
    "egress.routes[0].host must be a string, got nothing",
  ],
  [
    "unknown keys come before other problems",
    "supervise: 3\negress:\n  routes:\n    - hots: x\n",
    5,
    7,
    'unknown key "hots" in egress.routes[0] (did you mean "host"?)',
  ],
];

for (const [name, text, line, column, message] of INVALID) {
  Deno.test(`validateYaml() reports ${name}`, () => {
    const err = validationError(text);
    assert.equal(err.detail, `${SUBJECT}: ${message}`);
    assert.deepEqual([err.line, err.column], [line, column]);
  });
}

Deno.test("validateYaml() uses the caller's hint for reserved keys", () => {
  const err = validationError(
    "egress:\n  routes:\n    - host: a\n      role: x\n",
    (path, key) => key === "role" && path[0] === "egress" ? '"role" is reserved' : undefined,
  );
  assert.equal(err.detail, `${SUBJECT}: "role" is reserved`);
  assert.deepEqual([err.line, err.column], [5, 7]);
});

Deno.test("validateYaml() returns the schema output", () => {
  const doc = parseStrictYaml("env:\n  A: b\n", "/f.md", { subject: SUBJECT });
  assert.deepEqual(validateYaml(doc, Schema), { env: { A: "b" } });
  assert.deepEqual(validateYaml(doc, Schema, { value: {} }), {});
});

Deno.test("StrictYaml.error() points at a key or a value", () => {
  const doc = parseStrictYaml("a:\n  b: [x, z]\n", "/f.md", { subject: SUBJECT, lineOffset: 1 });
  const onValue = doc.error(["a", "b", 1], "bad");
  assert.equal(onValue.message, `/f.md:3:10: ${SUBJECT}: bad`);
  const onKey = doc.error(["a", "b"], "bad", { key: true });
  assert.deepEqual([onKey.line, onKey.column], [3, 3]);
});

Deno.test("didYouMean() suggests near misses only", () => {
  assert.equal(didYouMean("egres", ["env", "egress"]), "egress");
  assert.equal(didYouMean("Env", ["env", "egress"]), "env");
  assert.equal(didYouMean("hots", ["host", "auth"]), "host");
  assert.equal(didYouMean("banana", ["host", "auth"]), undefined);
  assert.equal(didYouMean("xy", ["env"]), undefined);
});
