/**
 * Finding manifests on disk. Listing reads directory entries only, never file contents, so a
 * broken file cannot break the picker; and it loads neither the schemas nor the YAML parser, so
 * `list` starts fast.
 *
 * @module
 * @example
 * ```ts
 * import { listAgents } from "./mod.ts";
 * const home = await Deno.makeTempDir();
 * await Deno.mkdir(`${home}/agents`);
 * await Deno.writeTextFile(`${home}/agents/helper.md`, "---\nbottle: dev\n---\n");
 * const { agents } = await listAgents({ home, cwd: home });
 * console.assert(agents[0]?.name === "helper" && agents[0]?.source === "home");
 * await Deno.remove(home, { recursive: true });
 * ```
 */
import { join } from "node:path";
import { homePaths, repoAgentsDir } from "../../paths/mod.ts";
import { pluginNames } from "../../providers/listing/mod.ts";

/** Bottle and agent names (they are file names): `^[a-z][a-z0-9-]*$`. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Where the manifests are. */
export interface LoadOptions {
  /** The bot-bottle home root (`~/.bot-bottle`, or `BOT_BOTTLE_HOME`). */
  home: string;
  /** The directory bot-bottle runs in; its `.bot-bottle/agents/` may hold repo-local agents. */
  cwd: string;
  /** The user's home directory, to expand a leading `~/` in key and Dockerfile paths. */
  userHome?: string;
}

/** One agent found by {@link listAgents}. */
export interface AgentEntry {
  /** The agent's name (its file name without `.md`). */
  name: string;
  /** Path of the file. */
  path: string;
  /** `repo` when it comes from `<cwd>/.bot-bottle/agents/` (and shadows any home agent). */
  source: "home" | "repo";
}

/** Manifest names found in one directory. */
export interface Scan {
  /** name → file path, sorted by name. */
  files: Map<string, string>;
  /** One warning per skipped file. */
  warnings: string[];
}

/**
 * The manifest files (`<name>.md`) in a directory; a missing directory is empty.
 *
 * @param dir The directory.
 * @returns Valid names with their paths, and warnings for the files skipped.
 */
export async function scanDir(dir: string): Promise<Scan> {
  const found: [string, string][] = [];
  const warnings: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { files: new Map(), warnings };
    throw err;
  }
  for (const entry of entries) {
    if (!entry.name.endsWith(".md") || entry.isDirectory) continue;
    const path = join(dir, entry.name);
    const name = entry.name.slice(0, -3);
    if (!NAME_PATTERN.test(name)) {
      warnings.push(`skipping ${path}: manifest file names must match [a-z][a-z0-9-]*.md`);
      continue;
    }
    found.push([name, path]);
  }
  found.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  warnings.sort();
  return { files: new Map(found), warnings };
}

/**
 * The home bottles directory.
 *
 * @param opts Load options.
 * @returns `<home>/bottles`.
 */
export function bottlesDir(opts: LoadOptions): string {
  return homePaths({ BOT_BOTTLE_HOME: opts.home }).bottles;
}

/**
 * The contrib plugin names (directories under `<home>/contrib/`).
 *
 * @param opts Load options.
 * @returns Sorted plugin names.
 */
export async function contribNames(opts: LoadOptions): Promise<string[]> {
  return await pluginNames(homePaths({ BOT_BOTTLE_HOME: opts.home }).contrib);
}

/** What {@link scanAgents} found. */
export interface AgentScan {
  /** Agents sorted by name; a repo-local agent shadows the home agent of the same name. */
  agents: AgentEntry[];
  /** One warning per skipped file. */
  skipped: string[];
  /** The warning about a repo-local bottles folder, when there is one. */
  ignoredBottles: string | undefined;
  /** Home agent paths shadowed by a repo-local agent of the same name, by name. */
  shadowed: Map<string, string>;
}

/**
 * Every agent, home and repo-local.
 *
 * @param opts Load options.
 * @returns The agents and the warnings.
 */
export async function scanAgents(opts: LoadOptions): Promise<AgentScan> {
  const paths = homePaths({ BOT_BOTTLE_HOME: opts.home });
  const home = await scanDir(paths.agents);
  // When bot-bottle runs from $HOME, <cwd>/.bot-bottle is the home itself, not a repository.
  const repoIsHome = await sameDir(join(opts.cwd, ".bot-bottle"), opts.home);
  const repo = repoIsHome ? undefined : await scanDir(repoAgentsDir(opts.cwd));
  const byName = new Map<string, AgentEntry>();
  for (const [name, path] of home.files) byName.set(name, { name, path, source: "home" });
  const shadowed = new Map<string, string>();
  for (const [name, path] of repo?.files ?? []) {
    const home = byName.get(name);
    if (home) shadowed.set(name, home.path);
    byName.set(name, { name, path, source: "repo" });
  }
  return {
    agents: [...byName.values()].sort((a, b) => a.name < b.name ? -1 : 1),
    skipped: [...home.warnings, ...(repo?.warnings ?? [])],
    ignoredBottles: repoIsHome ? undefined : await repoBottlesWarning(opts),
    shadowed,
  };
}

async function repoBottlesWarning(opts: LoadOptions): Promise<string | undefined> {
  const dir = join(opts.cwd, ".bot-bottle", "bottles");
  try {
    await Deno.stat(dir);
  } catch {
    return undefined;
  }
  return `ignoring ${dir}: bottles load only from ${bottlesDir(opts)} (a repository may ship ` +
    "agents, never bottles)";
}

async function sameDir(a: string, b: string): Promise<boolean> {
  try {
    return await Deno.realPath(a) === await Deno.realPath(b);
  } catch {
    return false;
  }
}

/**
 * List the agents by name, without reading any of them.
 *
 * @param opts Where the manifests are.
 * @returns Agents sorted by name, and warnings (skipped file names, an ignored repo-local
 *   bottles folder).
 */
export async function listAgents(
  opts: LoadOptions,
): Promise<{ agents: AgentEntry[]; warnings: string[] }> {
  const scan = await scanAgents(opts);
  const warnings = [...scan.skipped];
  if (scan.ignoredBottles) warnings.push(scan.ignoredBottles);
  return { agents: scan.agents, warnings };
}
