/**
 * What launching an agent of a given provider takes, beyond its routes (which `src/providers`
 * owns): the image recipe, the command, the environment, where the prompt and skills go, how the
 * supervise MCP server is registered, and what is kept when the state is. Contrib plugins will
 * fill the same shape from their `provider.yaml`.
 */
import { AGENT_HOME } from "../../core/sidecar_contract/mod.ts";
import { NotYetAvailableError } from "../../core/errors/mod.ts";

/** A provider as the launcher sees it. */
export interface ProviderLaunch {
  /** Template name. */
  template: string;
  /** URL of the provider's Dockerfile, shipped with bot-bottle (embedded in the binary). */
  dockerfile: string;
  /**
   * The agent's default command.
   *
   * @param options Whether the agent file has a prompt; whether this is a `resume`.
   */
  command(options: { prompt: boolean; resume: boolean }): string[];
  /** Non-secret variables the provider needs (telemetry off, its home). */
  env: Readonly<Record<string, string>>;
  /** Where the agent file's prompt is written in the agent; absent: the provider takes none. */
  promptFile?: string;
  /** The folder `skills:` are copied into. */
  skillsDir?: string;
  /** The command that registers the supervise MCP server, run as the agent user. */
  registerMcp?: (url: string) => string[];
  /** Paths under the agent's home saved with the workspace when the state is kept. */
  keep: readonly string[];
}

/** Where bot-bottle's own files for the agent go (the prompt). */
const BOT_BOTTLE_DIR = `${AGENT_HOME}/.bot-bottle`;
/** Codex's home inside the bottle. */
export const CODEX_HOME = `${AGENT_HOME}/.codex`;

function dockerfile(template: string): string {
  return new URL(`../../images/${template}/Dockerfile`, import.meta.url).href;
}

const SHELL: ProviderLaunch = Object.freeze({
  template: "shell",
  dockerfile: dockerfile("shell"),
  command: () => ["bash", "-l"],
  env: Object.freeze({}),
  keep: Object.freeze([]),
});

const CLAUDE_PROMPT = `${BOT_BOTTLE_DIR}/prompt.md`;

/**
 * `--continue` only where a conversation was saved: Claude Code's interactive mode refuses it
 * when there is none, and a resumed bottle whose agent never spoke must still start.
 */
const CLAUDE_RESUME = 'if ls "$HOME"/.claude/projects/*/*.jsonl >/dev/null 2>&1; then ' +
  'exec claude --continue "$@"; fi; exec claude "$@"';

const CLAUDE: ProviderLaunch = Object.freeze({
  template: "claude",
  dockerfile: dockerfile("claude"),
  command({ prompt, resume }: { prompt: boolean; resume: boolean }) {
    const flags = [
      "--dangerously-skip-permissions",
      ...(prompt ? ["--append-system-prompt-file", CLAUDE_PROMPT] : []),
    ];
    return resume ? ["sh", "-c", CLAUDE_RESUME, "claude", ...flags] : ["claude", ...flags];
  },
  env: Object.freeze({
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_ERROR_REPORTING: "1",
    DISABLE_AUTOUPDATER: "1",
    // The terminal's title is bot-bottle's: it names the bottle.
    CLAUDE_CODE_DISABLE_TERMINAL_TITLE: "1",
  }),
  promptFile: CLAUDE_PROMPT,
  skillsDir: `${AGENT_HOME}/.claude/skills`,
  registerMcp: (url: string) => [
    "claude",
    "mcp",
    "add",
    "--scope",
    "user",
    "--transport",
    "http",
    "supervise",
    url,
  ],
  keep: Object.freeze([".claude", ".claude.json"]),
});

const CODEX: ProviderLaunch = Object.freeze({
  template: "codex",
  dockerfile: dockerfile("codex"),
  command({ resume }: { prompt: boolean; resume: boolean }) {
    const flags = ["--dangerously-bypass-approvals-and-sandbox"];
    return resume ? ["codex", "resume", "--last", ...flags] : ["codex", ...flags];
  },
  env: Object.freeze({ CODEX_HOME }),
  // Codex reads global instructions from AGENTS.md in its home.
  promptFile: `${CODEX_HOME}/AGENTS.md`,
  skillsDir: `${CODEX_HOME}/skills`,
  registerMcp: (url: string) => ["codex", "mcp", "add", "supervise", "--url", url],
  keep: Object.freeze([".codex"]),
});

/**
 * The launch recipe of a provider template.
 *
 * @param template The bottle's `agent_provider.template`.
 * @returns The recipe.
 * @throws {NotYetAvailableError} For a template this version cannot launch yet (plugins).
 */
export function providerLaunch(template: string): ProviderLaunch {
  switch (template) {
    case "shell":
      return SHELL;
    case "claude":
      return CLAUDE;
    case "codex":
      return CODEX;
  }
  throw new NotYetAvailableError(`agent provider "${template}"`);
}
