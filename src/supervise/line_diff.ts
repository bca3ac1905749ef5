/**
 * A unified-style line diff, enough to show an operator what a proposal changes in a small text
 * file (a routes file, a Dockerfile). Longest-common-subsequence over lines; inputs are small, so
 * the quadratic table is fine and keeps the code obvious.
 */

/** Labels and context for {@link lineDiff}. */
export interface LineDiffOptions {
  /** Label of the old side (`--- label`). */
  from?: string;
  /** Label of the new side (`+++ label`). */
  to?: string;
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

type Op = readonly [kind: " " | "-" | "+", line: string, oldIndex: number, newIndex: number];

/**
 * Diff two texts line by line.
 *
 * @param before The old text.
 * @param after The new text.
 * @param options Labels and context size.
 * @returns A unified diff (`---`/`+++` header, `@@` hunks), or `""` when the texts are equal.
 */
export function lineDiff(before: string, after: string, options: LineDiffOptions = {}): string {
  if (before === after) return "";
  const ops = diffOps(splitLines(before), splitLines(after));
  const context = options.context ?? 3;
  const lines = [`--- ${options.from ?? "before"}`, `+++ ${options.to ?? "after"}`];
  for (const hunk of hunks(ops, context)) {
    const first = hunk[0];
    if (first === undefined) continue;
    const oldCount = hunk.filter(([kind]) => kind !== "+").length;
    const newCount = hunk.filter(([kind]) => kind !== "-").length;
    lines.push(
      `@@ -${range(first[2], oldCount)} +${range(first[3], newCount)} @@`,
      ...hunk.map(([kind, line]) => `${kind}${line}`),
    );
  }
  return `${lines.join("\n")}\n`;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

function range(start: number, count: number): string {
  // Unified diff numbers lines from 1; an empty side names the line before it.
  return `${count === 0 ? start : start + 1},${count}`;
}

function diffOps(a: readonly string[], b: readonly string[]): Op[] {
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  const cell = (i: number, j: number): number => lcs[i * width + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j]
        ? cell(i + 1, j + 1) + 1
        : Math.max(cell(i + 1, j), cell(i, j + 1));
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push([" ", a[i] ?? "", i++, j++]);
    } else if (i < a.length && (j >= b.length || cell(i + 1, j) >= cell(i, j + 1))) {
      // Removals before additions, as diff -u prints them.
      ops.push(["-", a[i] ?? "", i++, j]);
    } else {
      ops.push(["+", b[j] ?? "", i, j++]);
    }
  }
  return ops;
}

function hunks(ops: readonly Op[], context: number): Op[][] {
  const changed = ops.flatMap(([kind], index) => kind === " " ? [] : [index]);
  const out: Op[][] = [];
  let start = -1;
  let end = -1;
  for (const index of changed) {
    if (start >= 0 && index - context <= end + 1) {
      end = Math.min(ops.length - 1, index + context);
      continue;
    }
    if (start >= 0) out.push(ops.slice(start, end + 1));
    start = Math.max(0, index - context);
    end = Math.min(ops.length - 1, index + context);
  }
  if (start >= 0) out.push(ops.slice(start, end + 1));
  return out;
}
