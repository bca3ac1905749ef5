/**
 * `extends` resolution: turns a bottle and its ancestors into the list of files to fold, in
 * order. Parents are resolved independently and folded left to right, then the child on top.
 * The list is a depth-first post-order that keeps each bottle's first appearance, so a shared
 * ancestor (a diamond) is folded once, before every bottle that extends it, and cannot undo a
 * sibling's overrides by being applied a second time.
 */
import type { AgentProvider } from "./_types.ts";
import type { BottleLayer } from "./_bottle_schema.ts";
import type { ManifestFile } from "./_frontmatter.ts";

/** One bottle file, parsed and validated on its own. */
export interface BottleSource {
  /** The bottle's name. */
  name: string;
  /** The file. */
  file: ManifestFile;
  /** Its validated frontmatter. */
  layer: BottleLayer;
  /** Its `agent_provider`, checked and with paths resolved, when it declares one. */
  provider: AgentProvider | undefined;
}

/** How `extends` reaches bottle files (lazily: only the chain is read). */
export interface BottleReader {
  /** Sorted names of every bottle, for messages. */
  names: readonly string[];
  /** Read and validate one bottle that exists. */
  read(name: string): Promise<BottleSource>;
}

/**
 * The files to fold for `name`, parents first.
 *
 * @param name A bottle that exists.
 * @param reader Access to the bottle files.
 * @returns Sources in fold order, `name` last.
 * @throws {ManifestError} On self-extension, cycles (with the chain), missing parents (with the
 *   available names) and parents listed twice; at the offending `extends` entry.
 */
export function linearize(name: string, reader: BottleReader): Promise<BottleSource[]> {
  return visit(name, reader, [], new Map());
}

async function visit(
  name: string,
  reader: BottleReader,
  ancestors: readonly BottleSource[],
  done: Map<string, BottleSource[]>,
): Promise<BottleSource[]> {
  const cached = done.get(name);
  if (cached) return cached;
  const source = await reader.read(name);
  const order: BottleSource[] = [];
  const parents = parentsOf(source.layer);
  for (const [i, parent] of parents.entries()) {
    const path = Array.isArray(source.layer.extends) ? ["extends", i] : ["extends"];
    const fail = (detail: string) => source.file.doc.error(path, detail);
    if (parent === name) throw fail(`extends itself; remove "${parent}" from extends`);
    if (parents.indexOf(parent) !== i) throw fail(`extends lists "${parent}" twice`);
    const loop = ancestors.findIndex((a) => a.name === parent);
    if (loop >= 0) {
      const chain = [...ancestors.slice(loop).map((a) => a.name), name, parent].join(" -> ");
      throw fail(`extends cycle: ${chain}`);
    }
    if (!reader.names.includes(parent)) {
      const available = reader.names.filter((n) => n !== name).join(", ") || "none";
      throw fail(`extends "${parent}", which does not exist (available bottles: ${available})`);
    }
    for (const s of await visit(parent, reader, [...ancestors, source], done)) {
      if (!order.some((o) => o.name === s.name)) order.push(s);
    }
  }
  order.push(source);
  done.set(name, order);
  return order;
}

function parentsOf(layer: BottleLayer): string[] {
  const ext = layer.extends;
  if (ext === undefined) return [];
  return typeof ext === "string" ? [ext] : ext;
}
