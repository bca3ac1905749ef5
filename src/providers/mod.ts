/**
 * Agent providers as data (SPEC §7): the built-in templates, the checks on a bottle's
 * `agent_provider` settings, and the egress routes a provider owns.
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
import type { Route } from "../../core/routes/mod.ts";
import {
  BUILTIN_TEMPLATES,
  type BuiltinTemplate,
  CODEX_HOST_CREDENTIAL_TOKEN_REF,
  type CredentialSource,
  PROVIDERS,
} from "./_definitions.ts";

export {
  BUILTIN_TEMPLATES,
  type BuiltinTemplate,
  CODEX_HOST_CREDENTIAL_TOKEN_REF,
  type ProviderDefinition,
  type ProviderHost,
  PROVIDERS,
} from "./_definitions.ts";
export { codexAuthPath, type CodexHostAuth, readCodexHostAuth } from "./codex_auth.ts";

/** A bottle's provider choice, as far as routes are concerned. */
export interface ProviderSettings {
  /** Template name (built-in or a contrib plugin). */
  template: string;
  /** Host env var holding the provider credential. */
  authToken?: string | undefined;
  /** Forward the host's Codex device-auth token (codex only). */
  forwardHostCredentials?: boolean | undefined;
}

/** A rejected provider setting: which field to point at, and why. */
export interface ProviderProblem {
  /** `auth_token` or `forward_host_credentials`. */
  field: "auth_token" | "forward_host_credentials";
  /** Message that follows the field's label. */
  message: string;
}

/**
 * Whether `template` names a built-in provider.
 *
 * @param template A template name.
 * @returns True for claude, codex and shell.
 */
export function isBuiltinTemplate(template: string): template is BuiltinTemplate {
  return (BUILTIN_TEMPLATES as readonly string[]).includes(template);
}

/**
 * Check a provider's settings against what the template supports.
 *
 * @param settings The settings.
 * @returns The first problem, or `undefined`.
 */
export function providerSettingsProblem(settings: ProviderSettings): ProviderProblem | undefined {
  const template = settings.template;
  if (settings.forwardHostCredentials && settings.template !== "codex") {
    return {
      field: "forward_host_credentials",
      message: `is only supported by template codex, not "${settings.template}"`,
    };
  }
  if (settings.authToken === undefined) return undefined;
  if (!isBuiltinTemplate(template)) {
    return {
      field: "auth_token",
      message: "is only for built-in providers (claude, codex); a plugin provider declares " +
        "its own routes",
    };
  }
  if (!accepts(template, "auth_token")) {
    return {
      field: "auth_token",
      message: `is not supported by template "${settings.template}": it has no provider API`,
    };
  }
  if (settings.forwardHostCredentials) {
    return {
      field: "auth_token",
      message: "cannot be combined with forward_host_credentials; choose one credential",
    };
  }
  return undefined;
}

/**
 * The routes a provider owns, authenticated as its settings say. Plugin providers own none
 * here: their routes come from their own `provider.yaml`.
 *
 * @param settings The provider settings (assumed to pass {@link providerSettingsProblem}).
 * @returns Routes with `outbound_on_match: redact`.
 */
export function providerRoutes(settings: ProviderSettings): Route[] {
  if (!isBuiltinTemplate(settings.template)) return [];
  return PROVIDERS[settings.template].hosts.map((h) => {
    const route: Route = {
      host: h.host,
      outbound_on_match: "redact",
      inbound_on_secret: "redact",
      allow_private: false,
    };
    const tokenRef = settings.forwardHostCredentials && h.credentials.includes("host_credentials")
      ? CODEX_HOST_CREDENTIAL_TOKEN_REF
      : settings.authToken !== undefined && h.credentials.includes("auth_token")
      ? settings.authToken
      : undefined;
    if (tokenRef !== undefined) route.auth = { scheme: "Bearer", token_ref: tokenRef };
    return route;
  });
}

function accepts(template: BuiltinTemplate, source: CredentialSource): boolean {
  return PROVIDERS[template].hosts.some((h) => h.credentials.includes(source));
}
