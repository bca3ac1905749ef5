import assert from "node:assert/strict";
import { bytesOf, spans } from "./_testing.ts";
import { TOKEN_SPECS } from "./_token_rules.ts";
import type { Example } from "./_token_spec.ts";
import { DlpEngine } from "./mod.ts";

// Runs every example of the token table: each true positive is found by exactly its rule and
// redacted, each false positive is found by no rule.

const dlp = new DlpEngine({ knownSecrets: [] });
const TOKENS = { detectors: ["token_patterns"] as const, location: "body" };
/** Surroundings every true positive is tried in: bare, in YAML, in a JSON string. */
const CONTEXTS: readonly (readonly [string, string])[] = [
  ["", ""],
  ["config:\n  ", "\n"],
  ['{"v": "', '"}'],
];

function parts(example: Example): [string, string, string] {
  return typeof example === "string"
    ? ["", example, ""]
    : [example[0], example[1], example[2] ?? ""];
}

for (const spec of TOKEN_SPECS) {
  Deno.test(`token_patterns finds every ${spec.name} example and redacts it`, () => {
    for (const example of spec.tp) {
      const [before, value, after] = parts(example);
      for (const [lead, tail] of CONTEXTS) {
        const text = `${lead}${before}${value}${after}${tail}`;
        const start = lead.length + before.length;
        const findings = dlp.scanOutbound(text, TOKENS);
        assert.deepEqual(spans(findings), [
          `token_patterns/${spec.name}@${start}-${start + value.length}`,
        ], text);
        const redacted = dlp.redact(text, findings);
        assert.equal(redacted, `${lead}${before}[REDACTED:${spec.name}]${after}${tail}`);
        assert.ok(!findings[0]!.snippet.includes(value.slice(spec.shown, spec.shown + 8)));
      }
    }
  });

  Deno.test(`token_patterns flags none of the ${spec.name} near misses`, () => {
    for (const text of spec.fp) assert.deepEqual(spans(dlp.scanOutbound(text, TOKENS)), [], text);
  });
}

Deno.test("token table: every rule has examples, a unique name and literals of 3+ characters", () => {
  const names = new Set<string>();
  for (const spec of TOKEN_SPECS) {
    assert.ok(!names.has(spec.name), spec.name);
    names.add(spec.name);
    assert.ok(spec.tp.length > 0 && spec.fp.length > 0, spec.name);
    for (const literal of spec.literals) assert.ok(literal.length >= 3, literal);
    assert.ok(spec.maxLength <= 18434, spec.name);
  }
  assert.ok(names.size >= 100, `${names.size} rules`);
});

Deno.test("token table: a finding never runs past its rule's maxLength from the literal", () => {
  for (const spec of TOKEN_SPECS) {
    for (const example of spec.tp) {
      const [before, value] = parts(example);
      const text = `${before}${value}`;
      const literalAt = Math.max(
        ...spec.literals.map((l) => text.toLowerCase().lastIndexOf(l.toLowerCase())),
      );
      assert.ok(text.length - literalAt <= spec.maxLength, spec.name);
    }
  }
});

Deno.test("token_patterns finds a labelled or lookbehind value split at every offset", () => {
  const rules = [
    "heroku_legacy_api_key",
    "url_credentials",
    "azure_ad_client_secret",
    "terraform_cloud_token",
    "azure_sas_token",
  ];
  for (const name of rules) {
    const [before, value, after] = parts(TOKEN_SPECS.find((s) => s.name === name)!.tp[0]!);
    const text = `line one\n${before}${value}${after}\nlast`;
    const expected = spans(dlp.scanOutbound(text, TOKENS));
    assert.equal(expected.length, 1, name);
    for (let cut = 0; cut <= text.length; cut++) {
      const stream = dlp.outboundStream(TOKENS);
      const first = stream.push(bytesOf(text.slice(0, cut)));
      // Nothing of the value may be released before its finding is known.
      const start = text.indexOf(value);
      if (first.length === 0) assert.ok(stream.settled <= start, `${name} cut ${cut}`);
      const found = [...first, ...stream.push(bytesOf(text.slice(cut))), ...stream.end()];
      assert.deepEqual(spans(found), expected, `${name} cut ${cut}`);
    }
  }
});

Deno.test("token_patterns finds every example after each byte its left boundary allows", () => {
  // The literal search turns hits away by the byte before them: a byte the boundary allows must
  // never be one of those. Rules with no boundary own it in a lookbehind (Azure's refuses `.`
  // and `~`, which may continue its secret), so those two bytes are not tried there.
  const missed: string[] = [];
  for (const spec of TOKEN_SPECS) {
    for (const example of spec.tp) {
      const [before, value, after] = parts(example);
      for (let b = 0; b < 256; b++) {
        const byte = String.fromCharCode(b);
        if (/[A-Za-z0-9_-]/.test(byte)) continue;
        if (spec.leftBoundary === "none" && ".~".includes(byte)) continue;
        // Both alignments: the literal is looked up by the bigram that starts at an even offset.
        for (const lead of [byte, ` ${byte}`]) {
          const text = `${lead}${before}${value}${after}`;
          const start = lead.length + before.length;
          const found = spans(dlp.scanOutbound(text, TOKENS)).join(" ");
          if (found !== `token_patterns/${spec.name}@${start}-${start + value.length}`) {
            missed.push(`${spec.name} after byte ${b}: ${found}`);
          }
        }
      }
    }
  }
  assert.deepEqual(missed, []);
});
