/** Names every provider module shares. */

export { BUILTIN_TEMPLATES, type BuiltinTemplate } from "./listing/mod.ts";

/** Host env var name under which the CLI hands the Codex host access token to egress. */
export const CODEX_HOST_CREDENTIAL_TOKEN_REF = "BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN";
