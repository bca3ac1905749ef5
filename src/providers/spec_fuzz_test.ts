/**
 * 10,000 mutated `provider.yaml` files (a seeded PRNG, so a failure replays): each must load as a
 * valid provider or be refused with a positioned {@link ManifestError}, never anything else.
 */
import assert from "node:assert/strict";
import { ManifestError } from "../../core/errors/mod.ts";
import { parseProviderSpec } from "./mod.ts";

const SEEDS = [
  await Deno.readTextFile(new URL("../../images/claude/provider.yaml", import.meta.url)),
  await Deno.readTextFile(new URL("../../images/codex/provider.yaml", import.meta.url)),
  await Deno.readTextFile(new URL("../../contrib/pi/provider.yaml", import.meta.url)),
];
const ROUNDS = 10_000;

/** mulberry32: small, fast, and the same sequence for the same seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SCALARS = [
  "[]",
  "{}",
  "1",
  "-0.5",
  "true",
  "null",
  "~",
  '""',
  "x",
  "[a, 1]",
  "{a: b}",
  "yes",
];
const BYTES = [
  "\0",
  "\t",
  "\r",
  "\u001b",
  "\u202e",
  "\u200b",
  ":",
  "-",
  "&a",
  "*a",
  "!tag",
  "{",
  "]",
  "#",
  '"',
  "'",
  "\\",
  "é",
  "\uFFFD",
  "\n",
];

type Mutation = (lines: string[], r: () => number) => string[];
const pick = <T>(items: readonly T[], r: () => number): T =>
  items[Math.floor(r() * items.length)] as T;

const MUTATIONS: Mutation[] = [
  // Delete a line.
  (l, r) => l.toSpliced(Math.floor(r() * l.length), 1),
  // Duplicate a line (duplicate keys, repeated list items).
  (l, r) => {
    const i = Math.floor(r() * l.length);
    return l.toSpliced(i, 0, l[i] ?? "");
  },
  // Swap a value's type.
  (l, r) => {
    const i = Math.floor(r() * l.length);
    const line = l[i] ?? "";
    const colon = line.indexOf(": ");
    const swapped = colon >= 0
      ? `${line.slice(0, colon + 2)}${pick(SCALARS, r)}`
      : line.replace(/- .*/, `- ${pick(SCALARS, r)}`);
    return l.toSpliced(i, 1, swapped);
  },
  // Random bytes somewhere.
  (l, r) => {
    const text = l.join("\n");
    const at = Math.floor(r() * text.length);
    const junk = Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(BYTES, r)).join("");
    return `${text.slice(0, at)}${junk}${text.slice(at)}`.split("\n");
  },
  // Deep nesting in place of a value.
  (l, r) => {
    const depth = 1 + Math.floor(r() * 100);
    const nest = r() < 0.5
      ? `${"[".repeat(depth)}x${"]".repeat(depth)}`
      : `${"{a: ".repeat(depth)}x${"}".repeat(depth)}`;
    const i = Math.floor(r() * l.length);
    const line = l[i] ?? "";
    const colon = line.indexOf(": ");
    return l.toSpliced(i, 1, colon >= 0 ? `${line.slice(0, colon + 2)}${nest}` : `x: ${nest}`);
  },
  // Re-indent a line.
  (l, r) => {
    const i = Math.floor(r() * l.length);
    const shift = pick(["", " ", "  ", "    ", "\t"], r);
    return l.toSpliced(i, 1, `${shift}${(l[i] ?? "").trimStart()}`);
  },
  // Truncate the file.
  (l, r) => l.slice(0, Math.floor(r() * l.length)),
];

Deno.test(`parseProviderSpec() survives ${ROUNDS} mutated files: a valid plugin or a positioned error`, () => {
  const r = prng(0x15);
  const outcomes = { valid: 0, refused: 0 };
  for (let round = 0; round < ROUNDS; round++) {
    let lines = pick(SEEDS, r).split("\n");
    const count = 1 + Math.floor(r() * 3);
    for (let m = 0; m < count; m++) lines = pick(MUTATIONS, r)(lines, r);
    const text = lines.join("\n");
    try {
      parseProviderSpec(text, "/fuzz/provider.yaml", "fuzz");
      outcomes.valid++;
    } catch (err) {
      if (!(err instanceof ManifestError)) {
        assert.fail(`round ${round}: ${String(err)}\n--- file ---\n${text}`);
      }
      assert.ok(err.line >= 1 && err.column >= 1, `round ${round}: ${err.message}`);
      assert.match(err.message, /^\/fuzz\/provider\.yaml:\d+:\d+: Cannot load provider "fuzz": /);
      outcomes.refused++;
    }
  }
  assert.ok(outcomes.valid > 100 && outcomes.refused > 5_000, JSON.stringify(outcomes));
});
