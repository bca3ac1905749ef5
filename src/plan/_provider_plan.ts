/**
 * A bottle's provider part of the plan: how it authenticates, what it runs, what it is given
 * before it starts (first-run files, the prompt, skills) and what is kept when the state is.
 */
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import {
  type AgentFile,
  firstRunFiles,
  placeholderEnv,
  type ProviderCredential,
} from "./_first_run.ts";
import type { ProviderLaunch } from "./_provider_launch.ts";
import type { ProviderSetup } from "./_types.ts";

/**
 * How the bottle's provider authenticates.
 *
 * A provider whose credential declares an `api_key` prefix tells the two kinds apart by the
 * token (Claude: `sk-ant-api…` is an API key, anything else an OAuth token from
 * `claude setup-token`); any other credential is an API key.
 *
 * @param agent The agent.
 * @param provider The provider's launch recipe.
 * @param hostEnv The host environment (the token's shape tells a key from an OAuth token).
 * @returns The credential kind.
 */
export function providerCredential(
  agent: ResolvedAgent,
  provider: ProviderLaunch,
  hostEnv: Readonly<Record<string, string | undefined>>,
): ProviderCredential {
  const { authToken, forwardHostCredentials } = agent.bottle.agentProvider;
  if (forwardHostCredentials === true) return "device";
  if (authToken === undefined) return "none";
  const apiKey = provider.spec.credential?.api_key;
  if (apiKey === undefined) return "api_key";
  return (hostEnv[authToken] ?? "").startsWith(apiKey.prefix) ? "api_key" : "oauth";
}

/**
 * An API key may go in another header than the other kind (Anthropic's in `x-api-key`, not
 * `Authorization`): the credential's `api_key.scheme` says so for the provider's own routes.
 *
 * @param routes The bottle's routes (provider routes included).
 * @param provider The provider's launch recipe.
 * @param credential How it authenticates.
 * @returns The routes, the provider's own adjusted.
 */
export function providerRouteAuth(
  routes: readonly Route[],
  provider: ProviderLaunch,
  credential: ProviderCredential,
): Route[] {
  const apiKey = provider.spec.credential?.api_key;
  if (apiKey === undefined || credential !== "api_key") return [...routes];
  const own = new Set(provider.spec.routes.map((r) => r.host));
  return routes.map((route) =>
    own.has(route.host) && route.auth !== undefined
      ? { ...route, auth: { ...route.auth, scheme: apiKey.scheme } }
      : route
  );
}

/**
 * What the provider is given before its command starts.
 *
 * @param agent The agent.
 * @param provider The provider's launch recipe.
 * @param options The credential kind, the label and colour, and the host environment (`HOME`
 *   locates skills).
 * @returns The setup.
 * @throws {ConfigError} When a skill folder is missing, or the provider takes no skills.
 */
export function providerSetup(
  agent: ResolvedAgent,
  provider: ProviderLaunch,
  options: {
    credential: ProviderCredential;
    label: string;
    color?: string;
    hostEnv: Readonly<Record<string, string | undefined>>;
  },
): ProviderSetup {
  const files: AgentFile[] = firstRunFiles(provider.spec.features.first_run, options);
  const prompt = agent.prompt.trim();
  if (prompt !== "" && provider.promptFile !== undefined) {
    files.push({ path: provider.promptFile, content: `${prompt}\n` });
  }
  const promptEnv = prompt !== "" && provider.promptEnv !== undefined
    ? { [provider.promptEnv]: prompt }
    : {};
  return {
    env: { ...provider.env, ...promptEnv, ...placeholderEnv(provider.spec, options.credential) },
    files,
    skills: skillFolders(agent, provider, options.hostEnv),
    keep: [...provider.keep],
    ...(provider.spec.mcp === undefined ? {} : { mcp: [...provider.spec.mcp] }),
  };
}

function skillFolders(
  agent: ResolvedAgent,
  provider: ProviderLaunch,
  hostEnv: Readonly<Record<string, string | undefined>>,
): ProviderSetup["skills"] {
  if (agent.skills.length === 0) return [];
  if (provider.skillsDir === undefined) {
    throw new ConfigError(
      `${agent.path}: skills: provider "${provider.template}" has no skills folder; remove skills`,
    );
  }
  const home = hostEnv.HOME;
  if (home === undefined || home === "") {
    throw new ConfigError(`${agent.path}: skills: HOME is not set, so ~/.claude/skills is unknown`);
  }
  const target = provider.skillsDir;
  return agent.skills.map((name) => {
    const source = join(home, ".claude", "skills", name);
    let isDir = false;
    try {
      isDir = Deno.statSync(source).isDirectory;
    } catch {
      isDir = false;
    }
    if (!isDir) {
      throw new ConfigError(
        `${agent.path}: skills: skill "${name}" has no folder at ${source}`,
      );
    }
    return { name, source, target: `${target}/${name}` };
  });
}
