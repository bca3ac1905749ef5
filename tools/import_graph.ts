/**
 * The module graph of the repository, read from the source text: every relative `import`,
 * `import type`, `export … from` and `import()`, so type-only edges count as much as the others.
 * `deno task test` runs {@link importGraphProblems} over the repository (`import_graph_test.ts`):
 * any import that runs back up a floor ({@link floorProblem}) and any circle, between files or
 * between folders, fails it.
 *
 * @module
 */
import { dirname, join, normalize } from "node:path";
import { floorOf, floorProblem, isTestFile } from "./floors.ts";

/** Files (relative to the root, `/`-separated) and the relative imports each one makes. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** Folders the graph covers: the product floors and the tooling above them. */
const ROOTS = ["core", "sidecar", "backends", "src", "tools", "tests", "main.ts", "main_test.ts"];

const SPECIFIER =
  /(?:^|[;\s])(?:import|export)(?:\s+type)?\s*(?:[\w*{}\s,$]*?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']|\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/**
 * Read the graph of every `.ts` file under the roots.
 *
 * @param root The repository.
 * @returns Each file with the files it imports.
 */
export async function readImportGraph(root: string): Promise<ImportGraph> {
  const graph = new Map<string, string[]>();
  for (const file of await tsFiles(root)) {
    const text = await Deno.readTextFile(join(root, file));
    graph.set(file, importsOf(file, text));
  }
  return graph;
}

/**
 * The relative imports of one file; comments (and the doc examples in them) are skipped.
 *
 * @param file The file, relative to the root.
 * @param text Its source.
 * @returns The imported files, relative to the root, in order of appearance.
 */
export function importsOf(file: string, text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const match of code.matchAll(SPECIFIER)) {
    const spec = match[1] ?? match[2]!;
    out.push(normalize(join(dirname(file), spec)));
  }
  return out;
}

/**
 * Every import that breaks the floors, and every circle between files and between folders.
 *
 * @param graph The graph.
 * @returns One line per problem; empty when the architecture holds.
 */
export function importGraphProblems(graph: ImportGraph): string[] {
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const problem = floorProblem(from, to);
      if (problem !== undefined) problems.push(`${from}: ${problem}`);
    }
  }
  for (const circle of circles(graph)) problems.push(`import circle: ${circle.join(" -> ")}`);
  for (const circle of circles(folderGraph(graph))) {
    problems.push(`folder import circle: ${circle.join(" -> ")}`);
  }
  return problems;
}

/**
 * The folders product files live in, with the folders their imports reach. Tests are left out:
 * a test may use another folder's test support without making the folders depend on each other.
 * The backend contract counts as a folder of its own: it is a floor below the registry beside it.
 *
 * @param graph The file graph.
 * @returns The folder graph.
 */
export function folderGraph(graph: ImportGraph): ImportGraph {
  const folders = new Map<string, Set<string>>();
  for (const [from, targets] of graph) {
    if (isTestFile(from)) continue;
    const folder = folderOf(from);
    const reached = folders.get(folder) ?? new Set<string>();
    for (const to of targets) {
      if (folderOf(to) !== folder && !isTestFile(to)) reached.add(folderOf(to));
    }
    folders.set(folder, reached);
  }
  return new Map([...folders].map(([folder, reached]) => [folder, [...reached]]));
}

/**
 * Every circle in a graph (its strongly connected components of more than one node, and nodes
 * that import themselves), each as a path that returns to its start.
 *
 * @param graph The graph.
 * @returns The circles, each sorted to start at its smallest node.
 */
export function circles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string): void => {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) {
      found.push(pathThrough(graph, new Set(component)));
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

function folderOf(file: string): string {
  return floorOf(file).kind === "contract" ? file : dirname(file);
}

/** A closed walk through a component, from its smallest node back to it. */
function pathThrough(graph: ImportGraph, component: ReadonlySet<string>): string[] {
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const to of graph.get(node) ?? []) {
      if (to === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)!) path.splice(1, 0, at);
        return [...path, start];
      }
      if (component.has(to) && !previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

async function tsFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(join(root, dir))) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && path.endsWith(".ts")) found.push(path);
    }
  };
  for (const top of ROOTS) {
    const info = await Deno.stat(join(root, top)).catch(() => undefined);
    if (info?.isDirectory) await walk(top);
    else if (info?.isFile) found.push(top);
  }
  return found.sort();
}
