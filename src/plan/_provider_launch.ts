/**
 * What launching an agent of a given provider takes, beyond its routes (which `src/providers`
 * owns): the image recipe, the command, the environment, where the prompt and skills go, how the
 * supervise MCP server is registered, and what is kept when the state is. Built-ins and contrib
 * plugins fill this one shape from their `provider.yaml`, through the same code.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import {
  builtinProvider,
  PLACEHOLDERS,
  type Provider,
  type ProviderSpec,
} from "../providers/mod.ts";

/** A provider as the launcher sees it. */
export interface ProviderLaunch {
  /** Template name. */
  template: string;
  /** URL of the provider's Dockerfile (embedded in the binary for built-ins). */
  dockerfile: string;
  /**
   * The agent's default command.
   *
   * @param options Whether the agent file has a prompt; whether this is a `resume`.
   */
  command(options: { prompt: boolean; resume: boolean }): string[];
  /** Non-secret variables the provider needs (telemetry off, its home). */
  env: Readonly<Record<string, string>>;
  /** Where the agent file's prompt is written in the agent; absent: not a file. */
  promptFile?: string;
  /** The variable that carries the prompt text (prompt mode env). */
  promptEnv?: string;
  /** The folder `skills:` are copied into. */
  skillsDir?: string;
  /** The command that registers the supervise MCP server, run as the agent user. */
  registerMcp?: (url: string) => string[];
  /** Paths under the agent's home saved with the workspace when the state is kept. */
  keep: readonly string[];
  /** The whole `provider.yaml` (credential, features). */
  spec: ProviderSpec;
}

/** Gives the command its prompt file on stdin (prompt mode stdin); `$0` is the file. */
const STDIN_PROMPT = 'exec "$@" < "$0"';

/**
 * The launch recipe of a provider.
 *
 * @param provider A loaded provider, or the name of a built-in one.
 * @returns The recipe.
 * @throws {ConfigError} For a name that is not built in (plugins are loaded with the manifest).
 */
export function providerLaunch(provider: string | Provider): ProviderLaunch {
  const { name, dockerfile, spec } = typeof provider === "string"
    ? builtinProvider(provider)
    : provider;
  const prompt = spec.prompt;
  const promptFile = prompt.mode === "flag" || prompt.mode === "file" || prompt.mode === "stdin"
    ? prompt.path
    : undefined;
  const mcp = spec.mcp;
  return {
    template: name,
    dockerfile,
    command({ prompt: hasPrompt, resume }) {
      const template = resume ? spec.resume ?? spec.command : spec.command;
      const args = hasPrompt && prompt.mode === "flag"
        ? prompt.args.map((w) => w === PLACEHOLDERS.prompt_file ? prompt.path : w)
        : [];
      const argv = template.flatMap((w) => w === PLACEHOLDERS.prompt_args ? args : [w]);
      return hasPrompt && prompt.mode === "stdin"
        ? ["sh", "-c", STDIN_PROMPT, prompt.path, ...argv]
        : argv;
    },
    env: Object.freeze({ ...spec.env }),
    ...(promptFile === undefined ? {} : { promptFile }),
    ...(prompt.mode === "env" ? { promptEnv: prompt.variable } : {}),
    ...(spec.skills_dir === undefined ? {} : { skillsDir: spec.skills_dir }),
    ...(mcp === undefined ? {} : {
      registerMcp: (url: string) => mcp.map((w) => w === PLACEHOLDERS.url ? url : w),
    }),
    keep: Object.freeze([...spec.keep]),
    spec,
  };
}

/**
 * The provider a bottle names: its loaded plugin, or the built-in of that name.
 *
 * @param agentProvider The bottle's resolved `agent_provider`.
 * @returns The recipe.
 * @throws {ConfigError} For a plugin that was not loaded with the manifest.
 */
export function bottleProviderLaunch(
  agentProvider: { template: string; plugin?: Provider | undefined },
): ProviderLaunch {
  if (agentProvider.plugin !== undefined) return providerLaunch(agentProvider.plugin);
  try {
    return providerLaunch(agentProvider.template);
  } catch (err) {
    throw new ConfigError(
      `agent provider "${agentProvider.template}" is neither built in nor a loaded plugin`,
      { cause: err },
    );
  }
}
