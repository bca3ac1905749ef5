/**
 * Agent providers as data (SPEC §7). Every provider, built in or a plugin in
 * `~/.bot-bottle/contrib/<name>/`, is a `provider.yaml` (its command, prompt mode, skills folder,
 * environment, MCP registration, credential and routes) and a `Dockerfile`, read by one schema
 * and one loader. The built-ins ship in `images/<name>/` inside the binary.
 *
 * - `claude` owns `api.anthropic.com`; with `auth_token` the proxy injects `Bearer <token>`.
 * - `codex` owns `api.openai.com` and `chatgpt.com`; `forward_host_credentials: true` injects the
 *   host's Codex access token on both, `auth_token` injects an API key on `api.openai.com`.
 * - `shell` owns nothing.
 *
 * Provider routes default to `outbound_on_match: redact`: they carry the whole conversation,
 * the worst source of token-shaped false positives.
 *
 * @module
 * @example
 * ```ts
 * import { providerRoutes } from "./mod.ts";
 * const [route] = providerRoutes({ template: "claude", authToken: "CLAUDE_TOKEN" });
 * console.assert(route?.host === "api.anthropic.com");
 * console.assert(route?.auth?.token_ref === "CLAUDE_TOKEN");
 * console.assert(route?.outbound_on_match === "redact");
 * ```
 */
export {
  BUILTIN_TEMPLATES,
  type BuiltinTemplate,
  CODEX_HOST_CREDENTIAL_TOKEN_REF,
} from "./_definitions.ts";
export { builtinProvider, isBuiltinTemplate } from "./_builtin.ts";
export { findProvider, listProviders, type ProviderEntry } from "./_catalog.ts";
export { BUILTIN_DESCRIPTIONS, pluginNames } from "./listing/mod.ts";
export {
  type ProviderProblem,
  providerRoutes,
  type ProviderSettings,
  providerSettingsProblem,
  settingsSpec,
} from "./_routes.ts";
export { loadContribProvider, parseProviderSpec, type Provider } from "./_spec_load.ts";
export {
  PLACEHOLDERS,
  type ProviderRoute,
  type ProviderSpec,
  ProviderSpecSchema,
} from "./_spec_schema.ts";
export { dockerfileProblem } from "./_dockerfile_check.ts";
export { codexAuthPath, type CodexHostAuth, readCodexHostAuth } from "./codex_auth.ts";
