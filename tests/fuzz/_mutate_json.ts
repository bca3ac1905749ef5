/**
 * Structure-aware mutation of JSON messages (JSON-RPC for MCP): a random node of the parsed seed
 * is replaced with a value of another type, an oversize or deeply nested one, removed, or joined
 * by an unexpected key (`__proto__` included); then the text is written back, sometimes with a
 * duplicate key or cut short.
 */
import { below, pick, type Random } from "./_random.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Deep nesting stands in the tree as a marker string and is written out only in the final text:
 * as a value it would take the mutator's own recursion past the stack.
 */
const NEST = "\u0000nest:";

function nested(depth: number, r: Random): Json {
  return `${NEST}${r() < 0.5 ? "[" : "o"}${depth}`;
}

function writeNests(text: string): string {
  return text.replace(/"\\u0000nest:([[o])(\d+)"/g, (_, kind: string, depth: string) => {
    const n = Number(depth);
    return kind === "["
      ? `${"[".repeat(n)}1${"]".repeat(n)}`
      : `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;
  });
}

const REPLACEMENTS: readonly ((r: Random) => Json)[] = [
  () => null,
  () => true,
  (r) => pick([0, -1, 1.5, 2 ** 53 + 1, -(2 ** 63), 1e308, -0], r),
  () => "",
  (r) => "s".repeat(1 + below(r, r() < 0.1 ? 300_000 : 2_000)),
  (r) =>
    pick([
      "2.0",
      "1.0",
      "tools/call",
      "initialize",
      "\u0000",
      "\ud800",
      "../../etc/passwd",
      "${HOME}",
    ], r),
  () => [],
  () => ({}),
  (r) => nested(1 + below(r, r() < 0.1 ? 100_000 : 50), r),
  (r) => Array.from({ length: below(r, 2_000) }, (_, i) => i),
];

const KEYS = [
  "__proto__",
  "constructor",
  "id",
  "method",
  "params",
  "result",
  "error",
  "_meta",
  "progressToken",
  "name",
  "arguments",
  "",
];

/** Every path to a node of a value. */
function paths(
  value: Json,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  }
  return out;
}

function edit(
  value: Json,
  path: (string | number)[],
  change: (node: Json, parent: Json, key: string | number) => void,
): void {
  let parent: Json = value;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string, Json>)[key as string]!;
  const key = path.at(-1)!;
  change((parent as Record<string, Json>)[key as string]!, parent, key);
}

/**
 * Mutate a JSON seed's structure, then its text.
 *
 * @param seed Valid JSON text.
 * @param r The case's stream.
 * @returns The mutated text.
 */
export function mutateJson(seed: string, r: Random): string {
  const root = { root: JSON.parse(seed) as Json };
  const count = 1 + below(r, 3);
  for (let m = 0; m < count; m++) {
    const path = ["root", ...pick(paths(root.root), r)];
    edit(root, path, (node, parent, key) => {
      const container = parent as Record<string, Json>;
      const roll = r();
      if (roll < 0.6) container[key as string] = pick(REPLACEMENTS, r)(r);
      else if (roll < 0.75 && path.length > 1) {
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete container[key as string];
      } else if (node !== null && typeof node === "object" && !Array.isArray(node)) {
        // JSON.parse makes `__proto__` an own key; so does defining it.
        Object.defineProperty(node, pick(KEYS, r), {
          value: pick(REPLACEMENTS, r)(r),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else if (Array.isArray(node)) node.push(pick(REPLACEMENTS, r)(r));
      else container[key as string] = pick(REPLACEMENTS, r)(r);
    });
  }
  let text = writeNests(JSON.stringify(root.root) ?? "null");
  const roll = r();
  // A duplicate key: JSON.stringify never writes one, parsers disagree on which wins.
  if (roll < 0.1 && text.startsWith("{")) {
    text = `{"id":${pick(['"dup"', "0", "null", "{}"], r)},${text.slice(1)}`;
  } else if (roll < 0.2) text = text.slice(0, below(r, text.length + 1));
  return text;
}
