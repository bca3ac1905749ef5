import assert from "node:assert/strict";
import { NATIONAL_ID_SPECS } from "./_national_ids.ts";
import { DlpEngine } from "./mod.ts";

const dlp = new DlpEngine({ knownSecrets: [] });
const scan = (text: string) =>
  dlp.scanOutbound(text, { detectors: ["token_patterns"], location: "body" });

for (const spec of NATIONAL_ID_SPECS) {
  Deno.test(`token_patterns finds ${spec.name} next to its keyword, in several carriers`, () => {
    for (const example of spec.tp) {
      const [label, value] = typeof example === "string" ? ["", example] : example;
      const key = label.slice(0, -1);
      for (const text of [`${key}=${value}`, `{"${key}": "${value}"}`, `${key}: ${value}\n`]) {
        const found = scan(text);
        assert.deepEqual(
          found.map((f) => [f.detector, f.rule]),
          [["token_patterns", spec.name]],
          text,
        );
        assert.equal(text.slice(found[0]!.start, found[0]!.end), value, text);
        assert.ok(!found[0]!.snippet.includes(value.slice(0, 4)), "the snippet hides the value");
      }
    }
  });
  Deno.test(`token_patterns passes ${spec.name} lookalikes: wrong check digit, no keyword`, () => {
    for (const text of spec.fp) assert.deepEqual(scan(text), [], text);
    const [, value] = typeof spec.tp[0] === "string" ? ["", spec.tp[0]] : spec.tp[0]!;
    assert.deepEqual(
      scan(`order ${value} shipped`),
      [],
      "without its keyword a number is a number",
    );
  });
}

Deno.test("keyed identifiers stay linear on keyword floods", () => {
  const started = performance.now();
  for (const text of ["bsn=".repeat(100_000), "ssn: ".repeat(100_000) + "1".repeat(1000)]) {
    scan(text);
  }
  assert.ok(performance.now() - started < 5000);
});
