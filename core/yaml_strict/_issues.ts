/**
 * Turns zod issues into messages a user can act on, each tied to the data path of the node to
 * fix. Schemas give their own wording for custom checks: a message that does not start with
 * zod's "Invalid"/"Too" is used as is, after the field's label ("egress.log must be …").
 */
import type { z } from "zod";
import type { PathSegment } from "./_locate.ts";
import { didYouMean } from "./_suggest.ts";

/** A schema problem, ready to be positioned and printed. */
export interface Problem {
  /** Data path of the node to point at. */
  path: PathSegment[];
  /** Point at the key of the last segment rather than its value. */
  key: boolean;
  /** The message, without the subject. */
  message: string;
  /** Lower sorts first: unknown keys explain most other problems, so they come first. */
  rank: number;
}

/** Gives the text for an unknown key that deserves more than "did you mean". */
export type UnknownKeyHint = (
  path: readonly PathSegment[],
  key: string,
) => string | undefined;

/** What {@link toProblem} needs besides the issue. */
export interface IssueContext {
  /** The parsed data the schema ran on. */
  root: unknown;
  /** The schema, to list the keys an object allows. */
  schema: z.ZodType;
  /** Special messages for reserved or misplaced keys. */
  unknownKeyHint?: UnknownKeyHint | undefined;
}

/**
 * Describe one zod issue.
 *
 * @param issue The issue.
 * @param context The data and schema it came from.
 * @returns The problem to report.
 */
export function toProblem(issue: z.core.$ZodIssue, context: IssueContext): Problem {
  const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
  const raw = valueAt(context.root, path);
  const label = labelOf(path);
  const custom = !/^(Invalid|Too |Unrecognized)/.test(issue.message);
  switch (issue.code) {
    case "unrecognized_keys":
      return unknownKey(path, issue.keys[0] ?? "", context);
    case "invalid_union":
      return fromUnion(issue, path, context) ?? {
        path,
        key: false,
        message: raw === undefined
          ? missing(path)
          : `${label} ${custom ? issue.message : `has an invalid value ${kindOf(raw)}`}`,
        rank: 1,
      };
    case "invalid_key": {
      const inner = issue.issues[0];
      const why = inner && !/^(Invalid|Too )/.test(inner.message) ? `: ${inner.message}` : "";
      const key = String(path[path.length - 1]);
      const where = path.length > 1 ? ` in ${labelOf(path.slice(0, -1))}` : "";
      return {
        path,
        key: true,
        message: `invalid key ${JSON.stringify(key)}${where}${why}`,
        rank: 1,
      };
    }
    default:
      break;
  }
  if (raw === undefined && issue.code !== "custom") {
    return { path, key: false, message: missing(path), rank: 1 };
  }
  if (custom) return { path, key: false, message: `${label} ${issue.message}`, rank: 1 };
  return { path, key: false, message: `${label} ${standardText(issue, raw)}`, rank: 1 };
}

function standardText(issue: z.core.$ZodIssue, raw: unknown): string {
  switch (issue.code) {
    case "invalid_type": {
      const quote = issue.expected === "string" &&
          (typeof raw === "number" || typeof raw === "boolean")
        ? ` (quote it if you mean the text: "${String(raw)}")`
        : "";
      return `must be ${expectedText(issue.expected)}, got ${kindOf(raw)}${quote}`;
    }
    case "invalid_value": {
      const options = issue.values.map((v) => String(v));
      const guess = typeof raw === "string" ? didYouMean(raw, options) : undefined;
      const hint = guess ? ` (did you mean "${guess}"?)` : "";
      return `must be ${oneOf(options)}, got ${kindOf(raw)}${hint}`;
    }
    case "too_small":
      return issue.minimum === 1 || issue.minimum === 1n
        ? "must not be empty"
        : `must have at least ${issue.minimum} ${
          issue.origin === "string" ? "characters" : "items"
        }`;
    case "too_big":
      return `must have at most ${issue.maximum} ${
        issue.origin === "string" ? "characters" : "items"
      }`;
    default:
      return `is invalid (${issue.message})`;
  }
}

// A union failed: report the branch that got furthest, i.e. whose value had the right shape but
// failed inside. Branches that only say "wrong type" or "wrong literal" at the union's own level
// tell the user nothing, so the union's own message is used when that is all there is.
function fromUnion(
  issue: z.core.$ZodIssueInvalidUnion,
  path: PathSegment[],
  context: IssueContext,
): Problem | undefined {
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = branch[0];
    if (!first) continue;
    const shallow = first.path.length === 0 &&
      (first.code === "invalid_type" || first.code === "invalid_value");
    if (!shallow && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best) return undefined;
  return toProblem({ ...best, path: [...path, ...best.path] }, context);
}

function unknownKey(path: PathSegment[], key: string, context: IssueContext): Problem {
  const at = [...path, key];
  const hint = context.unknownKeyHint?.(path, key);
  if (hint) return { path: at, key: true, message: hint, rank: 0 };
  const allowed = allowedKeys(context.schema, path) ?? [];
  const guess = didYouMean(key, allowed);
  const tail = guess
    ? ` (did you mean "${guess}"?)`
    : allowed.length > 0
    ? ` (allowed: ${allowed.join(", ")})`
    : "";
  const where = path.length > 0 ? ` in ${labelOf(path)}` : "";
  return {
    path: at,
    key: true,
    message: `unknown key ${JSON.stringify(key)}${where}${tail}`,
    rank: 0,
  };
}

function missing(path: PathSegment[]): string {
  const parent = path.slice(0, -1);
  const where = parent.length > 0 ? ` in ${labelOf(parent)}` : "";
  return `missing required key ${JSON.stringify(String(path[path.length - 1]))}${where}`;
}

/**
 * Render a data path the way a user would write it: `egress.routes[0].host`.
 *
 * @param path The data path.
 * @returns The label; `the top level` for the empty path.
 */
export function labelOf(path: readonly PathSegment[]): string {
  if (path.length === 0) return "the top level";
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `["${segment}"]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function expectedText(expected: string): string {
  const words: Record<string, string> = {
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping",
    record: "a mapping",
  };
  return words[expected] ?? expected;
}

function oneOf(options: string[]): string {
  if (options.length === 1) return String(options[0]);
  return `one of ${options.join(", ")}`;
}

function kindOf(raw: unknown): string {
  if (raw === null || raw === undefined) return "nothing";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  if (typeof raw === "string") return JSON.stringify(raw);
  if (typeof raw === "number") return `the number ${raw}`;
  return String(raw);
}

type Def = { type?: string } & Record<string, unknown>;

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function allowedKeys(schema: z.ZodType, path: readonly PathSegment[]): string[] | undefined {
  const candidates = schemasAt(schema, path);
  for (const candidate of candidates) {
    const def = defOf(candidate);
    if (def.type === "object") return Object.keys(def.shape as object);
  }
  return undefined;
}

// Walks the schema along a data path, through wrappers, transforms and unions, to the schemas
// that describe the value at the end of the path.
function schemasAt(schema: unknown, path: readonly PathSegment[]): unknown[] {
  let current: unknown[] = [schema];
  for (const segment of [...path, undefined]) {
    const next: unknown[] = [];
    const queue = [...current];
    while (queue.length > 0) {
      const s = queue.shift();
      const def = defOf(s);
      switch (def.type) {
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "readonly":
        case "catch":
        case "nonoptional":
          queue.push(def.innerType);
          break;
        case "pipe":
          queue.push(def.in);
          break;
        case "lazy":
          queue.push((def.getter as () => unknown)());
          break;
        case "union":
          queue.push(...(def.options as unknown[]));
          break;
        default:
          if (segment === undefined) next.push(s);
          else next.push(...childSchemas(def, segment));
      }
    }
    current = next;
  }
  return current;
}

function childSchemas(def: Def, segment: PathSegment): unknown[] {
  if (def.type === "object") {
    const child = (def.shape as Record<string, unknown>)[String(segment)];
    return child ? [child] : [];
  }
  if (def.type === "array") return [def.element];
  if (def.type === "record") return [def.valueType];
  return [];
}
