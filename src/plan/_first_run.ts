/**
 * The files a provider needs so its first run inside a bottle asks no human anything (SPEC §7):
 * onboarding done, the workspace trusted, bypass-permissions accepted (the bottle is the
 * sandbox), telemetry off, and the model API reached the way egress can carry it. Nothing here is
 * secret: credentials are placeholders the proxy replaces.
 */
import { AGENT_HOME, AGENT_WORKSPACE } from "../../core/sidecar_contract/mod.ts";
import type { ProviderSpec } from "../providers/mod.ts";

/** Codex's home inside the bottle (the codex first-run feature and its dummy login). */
export const CODEX_HOME = `${AGENT_HOME}/.codex`;

/** A file written into the agent (as the agent user) before its command starts. */
export interface AgentFile {
  /** Absolute path inside the agent. */
  path: string;
  /** The content. */
  content: string;
}

/** How a provider authenticates; the real credential only ever reaches egress. */
export type ProviderCredential = "none" | "oauth" | "api_key" | "device";

/** What the agent holds instead of a real credential. */
export const PLACEHOLDER = "bot-bottle-placeholder-credential-0000";

/**
 * Where a provider's credential placeholder goes, as its `provider.yaml` says.
 *
 * @param spec The provider's spec.
 * @param credential How it authenticates.
 * @returns The variable and its placeholder value (none without a credential, or for a
 *   forwarded login, which uses a file).
 */
export function placeholderEnv(
  spec: ProviderSpec,
  credential: ProviderCredential,
): Record<string, string> {
  const declared = spec.credential;
  if (declared === undefined || credential === "none" || credential === "device") return {};
  const name = credential === "api_key"
    ? declared.api_key?.placeholder_env ?? declared.placeholder_env
    : declared.placeholder_env;
  return { [name]: PLACEHOLDER };
}

/**
 * The first-run files of a provider's `features.first_run`.
 *
 * @param feature The built-in first-run feature (claude, codex), if any.
 * @param options The credential kind and the bottle's label and colour (Claude's statusline).
 * @returns The files (none without the feature).
 */
export function firstRunFiles(
  feature: ProviderSpec["features"]["first_run"],
  options: { credential: ProviderCredential; label: string; color?: string },
): AgentFile[] {
  if (feature === "claude") return claudeFiles(options);
  if (feature === "codex") {
    return [{ path: `${CODEX_HOME}/config.toml`, content: codexConfig(options.credential) }];
  }
  return [];
}

function claudeFiles(
  options: { credential: ProviderCredential; label: string; color?: string },
): AgentFile[] {
  const trusted = { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true };
  const state = {
    hasCompletedOnboarding: true,
    theme: "dark",
    bypassPermissionsModeAccepted: true,
    projects: { [AGENT_HOME]: trusted, [AGENT_WORKSPACE]: trusted },
    // Claude Code asks once whether to use an ANTHROPIC_API_KEY it finds; it remembers the
    // answer by the key's last 20 characters.
    ...(options.credential === "api_key"
      ? { customApiKeyResponses: { approved: [PLACEHOLDER.slice(-20)], rejected: [] } }
      : {}),
  };
  const settings = {
    skipDangerousModePermissionPrompt: true,
    permissions: { defaultMode: "bypassPermissions" },
    // The statusline names the bottle, so a glance tells which sandbox this conversation is in.
    statusLine: { type: "command", command: statusLine(options.label, options.color) },
  };
  return [
    { path: `${AGENT_HOME}/.claude.json`, content: `${JSON.stringify(state, null, 2)}\n` },
    {
      path: `${AGENT_HOME}/.claude/settings.json`,
      content: `${JSON.stringify(settings, null, 2)}\n`,
    },
  ];
}

/** ANSI foreground codes of the `--color` names. */
const ANSI: Readonly<Record<string, number>> = Object.freeze({
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
  white: 37,
  gray: 90,
});

/** A statusline command printing `[bottle: <label>]`, in the bottle's colour when it has one. */
function statusLine(label: string, color: string | undefined): string {
  const code = color === undefined ? undefined : ANSI[color];
  const text = shellQuote(`[bottle: ${label}]`);
  return code === undefined ? `printf '%s' ${text}` : `printf '\\033[${code}m%s\\033[0m' ${text}`;
}

/**
 * Codex's config: its own model provider entry pointing where the built-in one would, but without
 * WebSockets (egress refuses upgrades on credential-injecting routes, whose frames it cannot
 * scan), so no start waits for a refused upgrade to fall back to HTTPS.
 */
function codexConfig(credential: ProviderCredential): string {
  const device = credential === "device";
  const provider = [
    `name = "OpenAI (through the bottle's egress)"`,
    device
      ? `base_url = "https://chatgpt.com/backend-api/codex"`
      : `base_url = "https://api.openai.com/v1"`,
    device ? "requires_openai_auth = true" : `env_key = "OPENAI_API_KEY"`,
    `wire_api = "responses"`,
    "supports_websockets = false",
  ];
  return [
    "# Written by bot-bottle at every start; edits inside the bottle last until the next one.",
    "check_for_update_on_startup = false",
    `model_provider = "bot-bottle"`,
    "",
    "[analytics]",
    "enabled = false",
    "",
    "# The terminal's title is bot-bottle's: it names the bottle.",
    "[tui]",
    "terminal_title = []",
    "",
    "[model_providers.bot-bottle]",
    ...provider,
    "",
    `[projects.${tomlString(AGENT_WORKSPACE)}]`,
    `trust_level = "trusted"`,
    "",
  ].join("\n");
}

/** A TOML basic string. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
