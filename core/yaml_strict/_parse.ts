/**
 * The YAML reader behind every manifest and routes file. It parses with `yaml` (YAML 1.2 core
 * schema, unique keys) and then refuses, rather than guesses at, everything a reader could take
 * two ways: YAML 1.1 booleans, anchors and aliases, tags, directives, tabs used as indentation,
 * complex keys and several documents in one file.
 */
import {
  type Document,
  isScalar,
  LineCounter,
  type Node,
  parseAllDocuments,
  type Scalar,
  visit,
} from "yaml";

/** A rejected construct: where it starts (offset into the YAML text) and why. */
export interface Offense {
  /** 0-based character offset into the YAML text. */
  offset: number;
  /** What is wrong and how to fix it. */
  detail: string;
}

/** A parsed YAML text that passed every strictness check. */
export interface ParsedYaml {
  /** The document, or `undefined` when the text holds none (empty or comments only). */
  doc: Document.Parsed | undefined;
  /** Maps offsets to 1-based lines and columns. */
  lineCounter: LineCounter;
}

const YAML11_BOOLEAN = /^(?:y|n|yes|no|on|off)$/i;

/**
 * Parse `source`, or report the first construct we refuse.
 *
 * @param source The YAML text.
 * @returns The document, or the earliest offense.
 */
export function parseYaml(source: string): ParsedYaml | Offense {
  const lineCounter = new LineCounter();
  const lineOffense = scanLines(source);
  if (lineOffense) return lineOffense;
  const docs = parseAllDocuments(source, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    version: "1.2",
  });
  const list = Array.isArray(docs) ? docs : [docs];
  for (const doc of list) {
    const error = doc.errors[0];
    if (error) return libraryOffense(source, error.code, error.message, error.pos[0]);
  }
  const second = list[1];
  if (second) {
    return {
      offset: second.range[0],
      detail: "a file holds exactly one YAML document; remove the extra document marker",
    };
  }
  const doc = list[0];
  if (!doc) return { doc: undefined, lineCounter };
  const offense = findAmbiguity(source, doc);
  return offense ?? { doc, lineCounter };
}

function scanLines(source: string): Offense | undefined {
  let offset = 0;
  for (const line of source.split("\n")) {
    if (line.startsWith("%")) {
      return {
        offset,
        detail: "YAML directives (%YAML, %TAG) are not allowed; remove the line",
      };
    }
    const indent = /^[ \t]*/.exec(line)?.[0] ?? "";
    const tab = indent.indexOf("\t");
    if (tab >= 0 && indent.length < line.length) {
      return { offset: offset + tab, detail: "tabs are not allowed for indentation; use spaces" };
    }
    offset += line.length + 1;
  }
  return undefined;
}

function libraryOffense(source: string, code: string, message: string, offset: number): Offense {
  if (code === "DUPLICATE_KEY") {
    const key = keyTextAt(source, offset);
    return { offset, detail: `duplicate key "${key}"; each key may appear only once` };
  }
  return { offset, detail: `invalid YAML: ${message.replace(/\s+/g, " ").trim()}` };
}

function keyTextAt(source: string, offset: number): string {
  const rest = source.slice(offset);
  const quoted = /^(["'])(.*?)\1/.exec(rest);
  if (quoted) return quoted[2] ?? "";
  return (/^[^:\n]*/.exec(rest)?.[0] ?? "").trim();
}

function findAmbiguity(source: string, doc: Document.Parsed): Offense | undefined {
  const found: Offense[] = [];
  const checkProps = (node: Node) => {
    const start = node.range?.[0] ?? 0;
    if (node.anchor !== undefined) {
      found.push({
        offset: propOffset(source, start, "&"),
        detail: `anchors (&${node.anchor}) are not allowed; write the value out in full`,
      });
    }
    if (node.tag !== undefined) {
      found.push({
        offset: propOffset(source, start, "!"),
        detail: `tags (${tagText(source, start)}) are not allowed; quote the value if you ` +
          "mean a string",
      });
    }
  };
  visit(doc, {
    Alias(_key, node) {
      found.push({
        offset: node.range?.[0] ?? 0,
        detail: `aliases (*${node.source}) are not allowed; write the value out in full`,
      });
    },
    Pair(_key, pair) {
      const key = pair.key;
      if (key !== null && typeof key === "object" && !isScalar(key)) {
        found.push({
          offset: (key as Node).range?.[0] ?? 0,
          detail: "complex (non-scalar) keys are not allowed",
        });
      } else if (isScalar(key) && key.value === "__proto__") {
        // Plain-object conversion would drop it silently; refuse it instead.
        found.push({ offset: key.range?.[0] ?? 0, detail: 'the key "__proto__" is not allowed' });
      }
    },
    Map(_key, node) {
      checkProps(node);
    },
    Seq(_key, node) {
      checkProps(node);
    },
    Scalar(key, node) {
      checkProps(node);
      if (key !== "key") checkBoolean(node, found);
    },
  });
  found.sort((a, b) => a.offset - b.offset);
  return found[0];
}

function checkBoolean(node: Scalar, found: Offense[]): void {
  const text = node.source;
  if (node.type !== "PLAIN" || typeof text !== "string" || !YAML11_BOOLEAN.test(text)) return;
  found.push({
    offset: node.range?.[0] ?? 0,
    detail: `ambiguous value ${text}: YAML 1.1 reads it as a boolean; write true or false, ` +
      `or quote it ("${text}") for a string`,
  });
}

// Anchors and tags precede their node; `yaml` reports the node's own start, so walk back over
// the property tokens to point at the one the user has to delete.
function propOffset(source: string, nodeStart: number, sigil: "&" | "!"): number {
  let i = nodeStart - 1;
  for (let props = 0; props < 2; props++) {
    while (i >= 0 && /\s/.test(source[i] ?? "")) i--;
    const end = i;
    while (i >= 0 && !/\s/.test(source[i] ?? "")) i--;
    const token = source.slice(i + 1, end + 1);
    if (token.startsWith(sigil)) return i + 1;
    if (!token.startsWith("&") && !token.startsWith("!")) break;
  }
  return nodeStart;
}

function tagText(source: string, nodeStart: number): string {
  const at = propOffset(source, nodeStart, "!");
  return /^\S+/.exec(source.slice(at))?.[0] ?? "!";
}
