/**
 * Built-in agent providers as data (SPEC §7): which hosts each one owns and which credential
 * the egress proxy injects there. Everything else about a provider (image, command, prompt
 * mode, MCP registration) belongs to the launcher, not to manifest loading.
 */

/** Where a provider route's token comes from. */
export type CredentialSource =
  /** The host env var named by `agent_provider.auth_token`. */
  | "auth_token"
  /** The host's Codex device-auth access token (`forward_host_credentials: true`). */
  | "host_credentials";

/** One host a provider owns. */
export interface ProviderHost {
  /** The exact host. */
  readonly host: string;
  /** Credential sources that may authenticate requests to it. */
  readonly credentials: readonly CredentialSource[];
}

/** One built-in provider. */
export interface ProviderDefinition {
  /** Template name used in `agent_provider.template`. */
  readonly template: string;
  /** Hosts the provider owns; their routes win over manifest routes. */
  readonly hosts: readonly ProviderHost[];
}

/** Names of the built-in templates, in the order messages list them. */
export const BUILTIN_TEMPLATES = Object.freeze(["claude", "codex", "shell"] as const);

/** A built-in template name. */
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

/** Host env var name under which the CLI hands the Codex host access token to egress. */
export const CODEX_HOST_CREDENTIAL_TOKEN_REF = "BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN";

function host(name: string, credentials: CredentialSource[]): ProviderHost {
  return Object.freeze({ host: name, credentials: Object.freeze(credentials) });
}

/** The built-in provider definitions. */
export const PROVIDERS: Readonly<Record<BuiltinTemplate, ProviderDefinition>> = Object.freeze({
  claude: Object.freeze({
    template: "claude",
    hosts: Object.freeze([host("api.anthropic.com", ["auth_token"])]),
  }),
  codex: Object.freeze({
    template: "codex",
    hosts: Object.freeze([
      host("api.openai.com", ["auth_token", "host_credentials"]),
      host("chatgpt.com", ["host_credentials"]),
    ]),
  }),
  shell: Object.freeze({ template: "shell", hosts: Object.freeze([]) }),
});
