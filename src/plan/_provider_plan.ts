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

/** Anthropic's API keys; anything else in `auth_token` is an OAuth token (`claude setup-token`). */
const ANTHROPIC_API_KEY = /^sk-ant-api/;

/**
 * How the bottle's provider authenticates.
 *
 * @param agent The agent.
 * @param hostEnv The host environment (the token's shape tells a key from an OAuth token).
 * @returns The credential kind.
 */
export function providerCredential(
  agent: ResolvedAgent,
  hostEnv: Readonly<Record<string, string | undefined>>,
): ProviderCredential {
  const { template, authToken, forwardHostCredentials } = agent.bottle.agentProvider;
  if (forwardHostCredentials === true) return "device";
  if (authToken === undefined) return "none";
  if (template === "claude") {
    return ANTHROPIC_API_KEY.test(hostEnv[authToken] ?? "") ? "api_key" : "oauth";
  }
  return "api_key";
}

/**
 * An Anthropic API key goes in `x-api-key`, not `Authorization`: the provider route says so.
 *
 * @param routes The bottle's routes (provider routes included).
 * @param template The provider template.
 * @param credential How it authenticates.
 * @returns The routes, the provider's own adjusted.
 */
export function providerRouteAuth(
  routes: readonly Route[],
  template: string,
  credential: ProviderCredential,
): Route[] {
  if (template !== "claude" || credential !== "api_key") return [...routes];
  return routes.map((route) =>
    route.host === "api.anthropic.com" && route.auth !== undefined
      ? { ...route, auth: { ...route.auth, scheme: "x-api-key" } }
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
  const files: AgentFile[] = firstRunFiles(provider.template, options);
  const prompt = agent.prompt.trim();
  if (prompt !== "" && provider.promptFile !== undefined) {
    files.push({ path: provider.promptFile, content: `${prompt}\n` });
  }
  return {
    env: { ...provider.env, ...placeholderEnv(provider.template, options.credential) },
    files,
    skills: skillFolders(agent, provider, options.hostEnv),
    keep: [...provider.keep],
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
