/**
 * Strict YAML for manifests and routes files: parse, refuse ambiguity, validate with zod, and
 * report every problem as a {@link ManifestError} at the `file:line:col` of the node to fix.
 *
 * Refused (each with a hint): duplicate keys, anchors and aliases, tags, directives, tabs used
 * for indentation, YAML 1.1 booleans (`yes`, `no`, `on`, `off`, `y`, `n`, any case, unquoted)
 * as values, complex keys, and more than one document. Unknown keys get a "did you mean".
 *
 * @module
 * @example
 * ```ts
 * import { z } from "zod";
 * import { parseStrictYaml, validateYaml } from "./mod.ts";
 * const doc = parseStrictYaml("egres: {}\n", "/b.md", { subject: 'Cannot load bottle "b"' });
 * try {
 *   validateYaml(doc, z.strictObject({ egress: z.object({}).optional() }));
 * } catch (err) {
 *   console.assert(
 *     (err as Error).message ===
 *       '/b.md:1:1: Cannot load bottle "b": unknown key "egres" (did you mean "egress"?)',
 *   );
 * }
 * ```
 */
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import { ManifestError, type SourcePosition } from "../errors/mod.ts";
import { offsetOf, type PathSegment } from "./_locate.ts";
import { parseYaml } from "./_parse.ts";
import { type Problem, toProblem, type UnknownKeyHint } from "./_issues.ts";

export { didYouMean } from "./_suggest.ts";
export { labelOf } from "./_issues.ts";
export type { PathSegment, UnknownKeyHint };

/** Options of {@link parseStrictYaml}. */
export interface StrictYamlOptions {
  /** Start of every message, e.g. `Cannot load bottle "dev"`. */
  subject: string;
  /** Lines of the real file before the YAML text (frontmatter starts after `---`). */
  lineOffset?: number;
}

/** Options of {@link StrictYaml.error}. */
export interface ErrorAtOptions {
  /** Point at the key of the last path segment rather than at its value. */
  key?: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/** A parsed, unambiguous YAML document that knows where each of its nodes came from. */
export class StrictYaml {
  /** Path of the file, for messages. */
  readonly file: string;
  /** Start of every message. */
  readonly subject: string;
  /** The plain data (`null` for an empty document). */
  readonly value: unknown;
  #doc: Document.Parsed | undefined;
  #lineCounter: LineCounter;
  #lineOffset: number;

  /**
   * @param parsed What {@link parseStrictYaml} produced.
   * @param options Where the text came from.
   */
  constructor(
    parsed: { doc: Document.Parsed | undefined; lineCounter: LineCounter },
    options: { file: string; subject: string; lineOffset: number },
  ) {
    this.file = options.file;
    this.subject = options.subject;
    this.#doc = parsed.doc;
    this.#lineCounter = parsed.lineCounter;
    this.#lineOffset = options.lineOffset;
    this.value = parsed.doc?.toJS() ?? null;
  }

  /**
   * Where the node at a data path is in the file.
   *
   * @param path The data path, e.g. `["egress", "routes", 0, "host"]`.
   * @param options Point at the key instead of the value.
   * @returns 1-based line and column in the real file.
   */
  position(path: readonly PathSegment[], options: { key?: boolean } = {}): SourcePosition {
    const offset = offsetOf(this.#doc, path, { key: options.key ?? false });
    return this.positionOfOffset(offset ?? 0);
  }

  /**
   * Position of a character offset into the YAML text.
   *
   * @param offset 0-based offset.
   * @returns 1-based line and column in the real file.
   */
  positionOfOffset(offset: number): SourcePosition {
    const { line, col } = this.#lineCounter.linePos(offset);
    return { file: this.file, line: line + this.#lineOffset, column: col };
  }

  /**
   * Build the error for a problem found outside the schema (cross-file checks).
   *
   * @param path Data path of the node to point at.
   * @param detail What is wrong, after the subject.
   * @param options Key or value, and the cause.
   * @returns The error, for the caller to throw.
   */
  error(path: readonly PathSegment[], detail: string, options: ErrorAtOptions = {}): ManifestError {
    const at = this.position(path, options);
    return new ManifestError(`${this.subject}: ${detail}`, { ...at, cause: options.cause });
  }
}

/**
 * Parse YAML text strictly.
 *
 * @param text The YAML text (for frontmatter: the lines between the `---` markers).
 * @param file Path of the file, for messages.
 * @param options Subject of messages and the line offset of the text in the file.
 * @returns The document.
 * @throws {ManifestError} On invalid or ambiguous YAML.
 */
export function parseStrictYaml(
  text: string,
  file: string,
  options: StrictYamlOptions,
): StrictYaml {
  const parsed = parseYaml(text);
  const lineOffset = options.lineOffset ?? 0;
  if ("offset" in parsed) {
    const before = text.slice(0, parsed.offset);
    const line = before.split("\n").length + lineOffset;
    const column = parsed.offset - (before.lastIndexOf("\n") + 1) + 1;
    throw new ManifestError(`${options.subject}: ${parsed.detail}`, { file, line, column });
  }
  return new StrictYaml(parsed, { file, subject: options.subject, lineOffset });
}

/** Options of {@link validateYaml}. */
export interface ValidateOptions {
  /** Special messages for reserved or misplaced keys (return `undefined` for the default). */
  unknownKeyHint?: UnknownKeyHint;
  /** Validate this instead of `doc.value` (e.g. `{}` for an empty frontmatter). */
  value?: unknown;
}

/**
 * Validate a document against a zod schema.
 *
 * @param doc The parsed document.
 * @param schema The schema.
 * @param options Hints for unknown keys; a replacement value.
 * @returns The schema's output.
 * @throws {ManifestError} At the node of the first problem (unknown keys first, then by
 *   position in the file).
 */
export function validateYaml<S extends z.ZodType>(
  doc: StrictYaml,
  schema: S,
  options: ValidateOptions = {},
): z.output<S> {
  const value = "value" in options ? options.value : doc.value;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const context = { root: value, schema, unknownKeyHint: options.unknownKeyHint };
  const problems = result.error.issues.map((issue) => toProblem(issue, context));
  const first = earliest(doc, problems);
  return raise(doc, first, result.error);
}

function earliest(doc: StrictYaml, problems: Problem[]): Problem {
  const placed = problems.map((p) => ({ p, at: doc.position(p.path, { key: p.key }) }));
  placed.sort((a, b) => a.p.rank - b.p.rank || a.at.line - b.at.line || a.at.column - b.at.column);
  return (placed[0] as { p: Problem }).p;
}

function raise(doc: StrictYaml, problem: Problem, cause: unknown): never {
  throw doc.error(problem.path, problem.message, { key: problem.key, cause });
}
