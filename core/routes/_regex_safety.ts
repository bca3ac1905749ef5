/**
 * Route regexes run inside the egress proxy on every request, against input the agent controls.
 * A pattern that backtracks catastrophically would let the agent stall the proxy, so patterns are
 * refused when they show the two classic shapes of exponential backtracking:
 *
 * - a repeated group that itself contains a repeat: `(a+)+`, `(a*)*`, `(.*)*`, `(?:x+){2,}`;
 * - a repeated group whose alternatives can start with the same character: `(a|ab)*`,
 *   `(\w|\d)+`.
 *
 * The check is a conservative heuristic over the pattern text: any character class, escape
 * class or `.` is taken to overlap everything, so some safe patterns are refused too.
 */

/** The longest pattern accepted; longer ones are a smell and slow to analyse. */
export const MAX_PATTERN_LENGTH = 1000;

interface Group {
  start: number;
  /** First-character summary of each finished alternative. */
  firsts: string[];
  /** First-character summary of the alternative being read (`""` = none yet). */
  first: string;
  /** Whether anything inside the group repeats (`*`, `+`, `{2,}`, …). */
  repeats: boolean;
}

const ANY = "\u0000any";

/**
 * Why `pattern` is unfit for a route regex.
 *
 * @param pattern The regex source as written in the file.
 * @returns A message that follows the field's label, or `undefined` when the pattern is fine.
 */
export function regexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `must be at most ${MAX_PATTERN_LENGTH} characters long`;
  }
  if (/\p{Cc}/u.test(pattern)) {
    return "must not contain control characters; write them as escapes (\\n, \\t)";
  }
  try {
    new RegExp(pattern);
  } catch (err) {
    return `is not a valid regular expression: ${(err as Error).message}`;
  }
  return backtrackingProblem(pattern);
}

function backtrackingProblem(pattern: string): string | undefined {
  const stack: Group[] = [{ start: 0, firsts: [], first: "", repeats: false }];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] as string;
    const top = stack[stack.length - 1] as Group;
    if (ch === "(") {
      stack.push({ start: i, firsts: [], first: "", repeats: false });
      i = skipGroupPrefix(pattern, i + 1);
      continue;
    }
    if (ch === ")") {
      stack.pop();
      const parent = stack[stack.length - 1] as Group;
      const firsts = [...top.firsts, top.first || ANY];
      const q = readQuantifier(pattern, i + 1);
      const text = pattern.slice(top.start, q.end);
      if (q.repeating && top.repeats) {
        return `is prone to catastrophic backtracking: the repeated group ${text} contains ` +
          "another repeat (nested quantifiers); repeat the inner part only once";
      }
      if (q.repeating && firsts.length > 1 && overlapping(firsts)) {
        return `is prone to catastrophic backtracking: the repeated group ${text} has ` +
          "alternatives that can start with the same character; make them distinct";
      }
      const lead = firsts.every((f) => f === firsts[0]) ? firsts[0] as string : ANY;
      addAtom(parent, q.optional ? ANY : lead);
      parent.repeats ||= top.repeats || q.repeating;
      i = q.end;
      continue;
    }
    if (ch === "|") {
      top.firsts.push(top.first || ANY);
      top.first = "";
      i++;
      continue;
    }
    if (ch === "^" || ch === "$") {
      i++;
      continue;
    }
    const atom = readAtom(pattern, i);
    const q = readQuantifier(pattern, atom.end);
    addAtom(top, q.optional ? ANY : atom.first);
    top.repeats ||= q.repeating;
    i = q.end;
  }
  return undefined;
}

function addAtom(group: Group, first: string): void {
  if (group.first === "") group.first = first;
}

function overlapping(firsts: string[]): boolean {
  const seen = new Set<string>();
  for (const f of firsts) {
    if (f === ANY || seen.has(f)) return true;
    seen.add(f);
  }
  return false;
}

function skipGroupPrefix(pattern: string, i: number): number {
  if (pattern[i] !== "?") return i;
  const next = pattern[i + 1];
  if (next === ":" || next === "=" || next === "!") return i + 2;
  if (next === "<") {
    const after = pattern[i + 2];
    if (after === "=" || after === "!") return i + 3;
    const close = pattern.indexOf(">", i);
    return close < 0 ? i + 2 : close + 1;
  }
  return i + 1;
}

function readAtom(pattern: string, i: number): { end: number; first: string } {
  const ch = pattern[i] as string;
  if (ch === "\\") {
    const next = pattern[i + 1] ?? "";
    const literal = /[^A-Za-z0-9]/.test(next);
    return { end: i + 2, first: literal ? next : ANY };
  }
  if (ch === "[") {
    let j = i + 1;
    if (pattern[j] === "^") j++;
    if (pattern[j] === "]") j++;
    while (j < pattern.length && pattern[j] !== "]") j += pattern[j] === "\\" ? 2 : 1;
    return { end: j + 1, first: ANY };
  }
  if (ch === ".") return { end: i + 1, first: ANY };
  return { end: i + 1, first: ch };
}

function readQuantifier(
  pattern: string,
  i: number,
): { end: number; repeating: boolean; optional: boolean } {
  const ch = pattern[i];
  let end = i;
  let min = 1;
  let max = 1;
  if (ch === "*" || ch === "+" || ch === "?") {
    end = i + 1;
    min = ch === "+" ? 1 : 0;
    max = ch === "?" ? 1 : Infinity;
  } else if (ch === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (m) {
      end = i + m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    }
  }
  if (end > i && pattern[end] === "?") end++;
  return { end, repeating: max > 1, optional: min === 0 };
}
