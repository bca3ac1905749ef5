/** Names every provider module shares. */

/** Names of the built-in templates, in the order messages list them. */
export const BUILTIN_TEMPLATES = Object.freeze(["claude", "codex", "shell"] as const);

/** A built-in template name. */
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

/** Host env var name under which the CLI hands the Codex host access token to egress. */
export const CODEX_HOST_CREDENTIAL_TOKEN_REF = "BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN";
