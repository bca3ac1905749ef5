/**
 * Mutations of line-structured text (YAML manifests, routes files, provider files, and the heads of
 * HTTP requests): lines deleted, duplicated, re-indented, values swapped for other types or deep
 * nesting, junk characters inserted, the file cut short. Valid seeds go in; most of what comes out
 * is almost valid, which is where parsers and validators break.
 */
import { below, pick, type Random } from "./_random.ts";

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
  "0x1F",
  "1e999",
  "!!binary aGk=",
  "*alias",
  "&anchor x",
  "<<: {a: 1}",
  "? complex",
  "|\n  block",
];
const JUNK = [
  "\0",
  "\t",
  "\r",
  "\u001b",
  "\u202e",
  "\u200b",
  "\uFEFF",
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
  "\uD800",
  "\n",
  "%YAML 1.1\n---\n",
  "...\n",
  "---\n",
];

/** One mutation of a file's lines. */
type LineMutation = (lines: string[], r: Random) => string[];

/** The value of a `key: value` line replaced. */
function replaceValue(lines: string[], r: Random, value: string): string[] {
  const i = below(r, lines.length);
  const line = lines[i] ?? "";
  const colon = line.indexOf(": ");
  const next = colon >= 0
    ? `${line.slice(0, colon + 2)}${value}`
    : /- /.test(line)
    ? line.replace(/- .*/, `- ${value}`)
    : `x: ${value}`;
  return lines.toSpliced(i, 1, next);
}

const LINE_MUTATIONS: readonly LineMutation[] = [
  // Delete a line.
  (l, r) => l.toSpliced(below(r, l.length), 1),
  // Duplicate a line (duplicate keys, repeated list items).
  (l, r) => {
    const i = below(r, l.length);
    return l.toSpliced(i, 0, l[i] ?? "");
  },
  // Move a line elsewhere.
  (l, r) => {
    const i = below(r, l.length);
    const moved = l.toSpliced(i, 1);
    return moved.toSpliced(below(r, moved.length + 1), 0, l[i] ?? "");
  },
  // Swap a value's type.
  (l, r) => replaceValue(l, r, pick(SCALARS, r)),
  // An oversize value (rarely a huge one: they cost the parser time, not new paths).
  (l, r) => replaceValue(l, r, "a".repeat(1 + below(r, r() < 0.05 ? 200_000 : 2_000))),
  // Deep nesting in place of a value (rarely very deep, for the same reason).
  (l, r) => {
    const depth = 1 + below(r, r() < 0.05 ? 2_000 : 100);
    const nest = r() < 0.5
      ? `${"[".repeat(depth)}x${"]".repeat(depth)}`
      : `${"{a: ".repeat(depth)}x${"}".repeat(depth)}`;
    return replaceValue(l, r, nest);
  },
  // Junk characters somewhere.
  (l, r) => {
    const text = l.join("\n");
    const at = below(r, text.length + 1);
    const junk = Array.from({ length: 1 + below(r, 4) }, () => pick(JUNK, r)).join("");
    return `${text.slice(0, at)}${junk}${text.slice(at)}`.split("\n");
  },
  // Re-indent a line.
  (l, r) => {
    const i = below(r, l.length);
    const shift = pick(["", " ", "  ", "    ", "\t", " ".repeat(300)], r);
    return l.toSpliced(i, 1, `${shift}${(l[i] ?? "").trimStart()}`);
  },
  // Truncate the file.
  (l, r) => l.slice(0, below(r, l.length + 1)),
  // Cut one line short.
  (l, r) => {
    const i = below(r, l.length);
    const line = l[i] ?? "";
    return l.toSpliced(i, 1, line.slice(0, below(r, line.length + 1)));
  },
];

/**
 * Apply one to three line mutations to a seed.
 *
 * @param seed A valid file.
 * @param r The case's stream.
 * @returns The mutated text (lines joined with `\n`).
 */
export function mutateLines(seed: string, r: Random): string {
  let lines = seed.split("\n");
  const count = 1 + below(r, 3);
  for (let m = 0; m < count; m++) lines = pick(LINE_MUTATIONS, r)(lines, r);
  return lines.join("\n");
}
