/**
 * Finds the YAML node behind a data path (`["egress", "routes", 0, "host"]`), so that schema
 * errors point at the text the user has to change.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Node } from "yaml";

/** One step of a data path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * The offset of the node at `path`: its key when `key` is set (or when the value is empty),
 * else its value. A path that runs past the document (a missing key) resolves to the deepest
 * node that exists, which is the mapping the key is missing from.
 *
 * @param doc The parsed document.
 * @param path The data path.
 * @param options `key`: point at the key rather than the value.
 * @returns A 0-based offset into the YAML text, or `undefined` for an empty document.
 */
export function offsetOf(
  doc: Document.Parsed | undefined,
  path: readonly PathSegment[],
  options: { key: boolean },
): number | undefined {
  const key = options.key;
  let node: unknown = doc?.contents ?? null;
  let keyNode: Node | undefined;
  for (const [i, segment] of path.entries()) {
    const last = i === path.length - 1;
    const child = childOf(node, segment);
    if (!child) break;
    if (last && (key || isEmpty(child.value))) return rangeStart(child.key ?? child.value);
    keyNode = child.key;
    node = child.value;
  }
  return rangeStart(node) ?? rangeStart(keyNode);
}

function childOf(node: unknown, segment: PathSegment): { key?: Node; value: unknown } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = pair.key;
      const name = isScalar(k) ? String(k.value) : String(k);
      if (name === String(segment)) return { key: k as Node, value: pair.value };
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === "number") {
    const item = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

// `key:` with nothing after it yields a zero-width scalar: point at the key instead.
function isEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return true;
  const range = isScalar(node) ? node.range : undefined;
  return range !== undefined && range !== null && range[0] === range[1];
}

function rangeStart(node: unknown): number | undefined {
  if (node === null || typeof node !== "object" || !("range" in node)) return undefined;
  const range = (node as Node).range;
  return range ? range[0] : undefined;
}
