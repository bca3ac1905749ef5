/**
 * Which agents `start` can run: the user's manifests, and the built-in `demo` agent so a new
 * user sees a working bottle before writing any manifest. A user agent named `demo` wins.
 */
import { listAgents, loadAgent, type LoadOptions, type ResolvedAgent } from "../manifest/mod.ts";
import { DEMO_AGENT, demoAgent } from "../plan/mod.ts";

/**
 * The agents a picker offers: every manifest, or only `demo` when there are none.
 *
 * @param opts Where the manifests are.
 * @returns Names in picker order, and warnings about skipped files.
 */
export async function agentChoices(
  opts: LoadOptions,
): Promise<{ names: string[]; warnings: string[] }> {
  const { agents, warnings } = await listAgents(opts);
  return { names: agents.length === 0 ? [DEMO_AGENT] : agents.map((a) => a.name), warnings };
}

/**
 * Load an agent and its bottle chain; `demo` is the built-in one unless the user has their own.
 *
 * @param name The agent's name.
 * @param opts Where the manifests are.
 * @returns The resolved agent.
 * @throws {NotFoundError} When no such agent exists (the available ones are listed).
 * @throws {ManifestError} When the agent or one of its bottles does not load.
 */
export async function resolveAgent(name: string, opts: LoadOptions): Promise<ResolvedAgent> {
  if (name === DEMO_AGENT) {
    const { agents } = await listAgents(opts);
    if (!agents.some((a) => a.name === DEMO_AGENT)) return demoAgent();
  }
  return await loadAgent(name, opts);
}
