/**
 * Where a chained audit log first stops being what the appends wrote, and how. Walking from the
 * top, every line must be a whole entry whose `seq` is its position and whose `prev` is the
 * hash of the line before it (see `_chain.ts`); the head must then agree with the last line. At
 * the first line that does not, the lines around it tell the kinds of tampering apart:
 *
 * - a later line chains from the last good one: the lines between were inserted, or, when the
 *   failing line chains from a line further down, the entries were reordered;
 * - the failing line's `seq` skips ahead: entries were deleted;
 * - its `seq` is right but its `prev` is not the line above's hash: the line above was edited;
 * - its `seq` repeats an earlier one: it was inserted (a copy or a forgery);
 * - the head records more entries than there are: the end was cut off (truncated).
 */
import { chainedEntrySchema, GENESIS, lineHash } from "./_chain.ts";
import type { HeadState } from "./_head.ts";

/** What is wrong at the first broken line. */
export type BreakKind =
  | "edited"
  | "deleted"
  | "reordered"
  | "truncated"
  | "inserted"
  | "not-json"
  | "head";

/** The first place the chain breaks. */
export interface AuditBreak {
  /** The 1-based line number of the first broken line. */
  line: number;
  /** What is wrong there. */
  kind: BreakKind;
  /** The evidence, in words. */
  detail: string;
}

interface Line {
  hash: string;
  entry?: { seq: number; prev: string };
  problem?: string;
}

/**
 * Find the first break in a log's text.
 *
 * @param text The whole log.
 * @param head What `audit.head` holds.
 * @returns The break, or `undefined` when the chain is whole and matches the head.
 */
export function findBreak(text: string, head: HeadState): AuditBreak | undefined {
  const complete = text === "" || text.endsWith("\n");
  const lines = (text === "" ? [] : (complete ? text.slice(0, -1) : text).split("\n"))
    .map(parseLine);
  let prev = GENESIS;
  for (const [k, line] of lines.entries()) {
    if (line.entry === undefined) {
      if (k === lines.length - 1 && !complete) {
        return { line: k + 1, kind: "truncated", detail: "the last entry is cut off mid-line" };
      }
      return { line: k + 1, kind: "not-json", detail: line.problem ?? "not an audit entry" };
    }
    if (line.entry.seq !== k || line.entry.prev !== prev) return classify(lines, k, { prev, head });
    prev = line.hash;
  }
  if (!complete) {
    return {
      line: lines.length,
      kind: "truncated",
      detail: "the last entry has no newline after it: its write was cut short",
    };
  }
  return checkHead(lines, head);
}

function parseLine(text: string): Line {
  const hash = lineHash(text);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { hash, problem: "not JSON" };
  }
  const parsed = chainedEntrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      hash,
      problem: `JSON, but not an audit entry (${
        issue?.path.join(".") || "top level"
      }: ${issue?.message})`,
    };
  }
  return { hash, entry: parsed.data };
}

/**
 * Name the break at line `k` (0-based), whose chain so far ends in the hash `prev`. When line `k`
 * forks from an earlier line, the head's last hash tells which branch the appends wrote.
 */
function classify(
  lines: readonly Line[],
  k: number,
  chain: { prev: string; head: HeadState },
): AuditBreak {
  const { prev, head } = chain;
  const entry = lines[k]!.entry!;
  const at = k + 1;
  const chainsFrom = (hash: string) => lines.findIndex((line) => line.hash === hash);
  const resumes = lines.findIndex((line, i) => i > k && line.entry?.prev === prev);
  if (resumes >= 0) {
    const from = chainsFrom(entry.prev);
    if (from > k) {
      return {
        line: at,
        kind: "reordered",
        detail: `entry #${entry.seq} is out of place: it follows line ${from + 1}, further down`,
      };
    }
    return {
      line: at,
      kind: "inserted",
      detail: `${span(at, resumes)} not part of the chain: line ${resumes + 1} continues from ` +
        (k === 0 ? "the start" : `line ${k}`),
    };
  }
  if (entry.prev === prev) {
    return {
      line: at,
      kind: "edited",
      detail: `its sequence number is ${entry.seq} where ${k} belongs`,
    };
  }
  if (entry.seq > k) {
    const missing = entry.seq - k === 1 ? `entry #${k} is` : `entries #${k}–#${entry.seq - 1} are`;
    return { line: at, kind: "deleted", detail: `${missing} missing before this line` };
  }
  if (entry.seq === k) {
    return k === 0
      ? { line: 1, kind: "edited", detail: "it does not chain from the genesis value" }
      : {
        line: k,
        kind: "edited",
        detail: `its hash is no longer the one line ${at} recorded for it`,
      };
  }
  const from = chainsFrom(entry.prev);
  const headWithin = head.kind === "ok" &&
    lines.slice(from + 1, k).some((line) => line.hash === head.head.last);
  if (from >= 0 && from < k - 1 && !headWithin) {
    return {
      line: from + 2,
      kind: "inserted",
      detail: `${span(from + 2, k)} not part of the chain: line ${at} continues from line ${
        from + 1
      }`,
    };
  }
  return {
    line: at,
    kind: "inserted",
    detail: `entry #${entry.seq} appears a second time (a copy or a forgery)`,
  };
}

function span(first: number, last: number): string {
  return first === last ? `line ${first} is` : `lines ${first}–${last} are`;
}

function checkHead(lines: readonly Line[], head: HeadState): AuditBreak | undefined {
  const n = lines.length;
  if (head.kind === "missing") {
    if (n === 0) return undefined;
    return {
      line: n,
      kind: "head",
      detail: "audit.head is missing, so whether entries were cut from the end cannot be told",
    };
  }
  if (head.kind === "invalid") return { line: n, kind: "head", detail: head.detail };
  const { entries, last } = head.head;
  if (entries > n) {
    return {
      line: n + 1,
      kind: "truncated",
      detail: `the log ends after ${n} entries, but ${entries} were written: the end was cut off`,
    };
  }
  if (entries < n) {
    return {
      line: entries + 1,
      kind: "inserted",
      detail: `${span(entries + 1, n)} past the last entry bot-bottle wrote ` +
        (entries === 0 ? "(it wrote none)" : `(#${entries - 1})`),
    };
  }
  if (n > 0 && lines[n - 1]!.hash !== last) {
    return {
      line: n,
      kind: "edited",
      detail: "its hash is no longer the one recorded in audit.head when it was written",
    };
  }
  return undefined;
}
