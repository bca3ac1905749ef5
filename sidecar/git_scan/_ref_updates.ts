/** One ref update as pre-receive reads it on stdin: "<old> <new> <ref>". */
export interface RefUpdate {
  /** The ref's current object id; all zeros when the push creates the ref. */
  old: string;
  /** The pushed object id; all zeros when the push deletes the ref. */
  new: string;
  /** The full ref name, e.g. `refs/heads/main`. */
  ref: string;
}

/** A malformed line of pre-receive input; `line` is its 1-based number. */
export class RefUpdateError extends SyntaxError {
  /** The 1-based number of the offending line. */
  readonly line: number;

  /** Describe the offending line and why it is rejected. */
  constructor(line: number, reason: string) {
    super(`Cannot read pre-receive input: line ${line}: ${reason}`);
    this.name = "RefUpdateError";
    this.line = line;
  }
}

// SHA-1 (40) or SHA-256 (64) object ids, lowercase as git prints them.
const OBJECT_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
// Spaces would split the line; control characters could forge log or client lines.
// deno-lint-ignore no-control-regex -- matching control characters is the point
const BAD_REF_CHAR = /[\x00-\x20\x7f]/;

/**
 * Parse pre-receive stdin, one `<old> <new> <ref>` per line.
 *
 * @param text The whole of stdin; a final newline is optional.
 * @returns The updates in input order.
 * @throws {RefUpdateError} On the first malformed line, naming its number.
 */
export function parseRefUpdates(text: string): RefUpdate[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines.map((line, i) => {
    const reason = lineProblem(line);
    if (reason !== undefined) throw new RefUpdateError(i + 1, reason);
    const [old = "", next = "", ref = ""] = line.split(" ");
    return { old, new: next, ref };
  });
}

/**
 * Why an update cannot be scanned, or undefined when it is well formed.
 *
 * @param update The update to check.
 */
export function updateProblem(update: RefUpdate): string | undefined {
  for (const [name, id] of [["old", update.old], ["new", update.new]] as const) {
    if (!OBJECT_ID.test(id)) {
      return `${name} id ${JSON.stringify(id)} is not a 40- or 64-digit lowercase hex object id`;
    }
  }
  if (update.old.length !== update.new.length) return "old and new ids differ in length";
  if (!update.ref.startsWith("refs/")) {
    return `ref ${JSON.stringify(update.ref)} does not start with "refs/"`;
  }
  if (BAD_REF_CHAR.test(update.ref)) {
    return `ref ${JSON.stringify(update.ref)} contains a space or control character`;
  }
  return undefined;
}

/** Whether an object id is the all-zeros id git uses for a missing side of an update. */
export function isZeroId(id: string): boolean {
  return /^0+$/.test(id);
}

function lineProblem(line: string): string | undefined {
  const fields = line.split(" ");
  if (fields.length !== 3) {
    return `expected "<old> <new> <ref>", got ${fields.length} space-separated field(s)`;
  }
  const [old = "", next = "", ref = ""] = fields;
  return updateProblem({ old, new: next, ref });
}
