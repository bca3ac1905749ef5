/**
 * Manifests (SPEC §3): bottles from `~/.bot-bottle/bottles/`, agents from
 * `~/.bot-bottle/agents/` and `<cwd>/.bot-bottle/agents/` (repo-local agents shadow home ones).
 * A repository may ship agents but never bottles: `<cwd>/.bot-bottle/bottles/` is ignored with a
 * warning.
 *
 * Loading is lazy: listing reads directory entries only; loading an agent reads that agent, its
 * bottle and the bottle's `extends` chain, so a broken file fails only when it is selected.
 * Every problem is a `ManifestError` at the `file:line:col` of the node to fix, with a hint.
 *
 * Choices made where SPEC §3 is silent:
 * - `agent_provider.template` defaults to `claude`; a later file's `agent_provider` replaces an
 *   earlier one as a whole;
 * - env values are a literal, one whole `${HOST_VAR}`, or `?prompt`; a `${` elsewhere is an
 *   error (no embedded references);
 * - a diamond in `extends` folds the shared ancestor once, before everything that extends it;
 * - a host may be routed once across the whole chain (provider routes excepted: they replace
 *   the manifest route and the loader warns);
 * - key and Dockerfile paths resolve relative to the file that names them, `~/` against
 *   `LoadOptions.userHome` when given;
 * - the Claude Code subagent fields `name`, `description`, `model`, `color`, `memory` are
 *   ignored on agents; `tools` is not among them and is an unknown key.
 *
 * @module
 * @example
 * ```ts
 * import { loadAgent } from "./mod.ts";
 * const home = await Deno.makeTempDir();
 * await Deno.mkdir(`${home}/bottles`);
 * await Deno.mkdir(`${home}/agents`);
 * await Deno.writeTextFile(`${home}/bottles/dev.md`, "---\nagent_provider: {template: shell}\n---\n");
 * await Deno.writeTextFile(`${home}/agents/helper.md`, "---\nbottle: dev\n---\nYou help.\n");
 * const agent = await loadAgent("helper", { home, cwd: home });
 * console.assert(agent.prompt === "You help.");
 * console.assert(agent.bottle.agentProvider.template === "shell");
 * console.assert(agent.bottle.supervise === true);
 * await Deno.remove(home, { recursive: true });
 * ```
 */
import { bottlesDir, type LoadOptions, scanDir } from "./listing/mod.ts";

export { type EnvValue, resolveEnv, type ResolveEnvOptions } from "./_env.ts";
export { loadAgent, loadBottle } from "./_load.ts";
export { type BottleLimits, DEFAULT_LIMITS, formatSize } from "./_limits.ts";
export { type AgentEntry, listAgents, type LoadOptions } from "./listing/mod.ts";
export type {
  AgentProvider,
  GitUser,
  Repo,
  ResolvedAgent,
  ResolvedBottle,
  Sourced,
} from "./_types.ts";

/**
 * List the bottles by name, without reading any of them.
 *
 * @param opts Where the manifests are.
 * @returns Bottle names, sorted, and warnings for skipped file names.
 */
export async function listBottles(
  opts: LoadOptions,
): Promise<{ bottles: string[]; warnings: string[] }> {
  const scan = await scanDir(bottlesDir(opts));
  return { bottles: [...scan.files.keys()], warnings: scan.warnings };
}
