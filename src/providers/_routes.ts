/**
 * A provider's own routes, from its `provider.yaml`, authenticated as the bottle's settings say,
 * and the checks of those settings against what the provider declares.
 */
import type { Route } from "../../core/routes/mod.ts";
import { builtinProvider, isBuiltinTemplate } from "./_builtin.ts";
import { CODEX_HOST_CREDENTIAL_TOKEN_REF } from "./_definitions.ts";
import type { ProviderSpec } from "./_spec_schema.ts";
import type { Provider } from "./_spec_load.ts";

/** A bottle's provider choice, as far as routes are concerned. */
export interface ProviderSettings {
  /** Template name (built-in or a contrib plugin). */
  template: string;
  /** Host env var holding the provider credential. */
  authToken?: string | undefined;
  /** Forward the host's login (providers with `features.host_login`). */
  forwardHostCredentials?: boolean | undefined;
  /** The loaded plugin; built-ins are found by name. */
  plugin?: Provider | undefined;
}

/** A rejected provider setting: which field to point at, and why. */
export interface ProviderProblem {
  /** `auth_token` or `forward_host_credentials`. */
  field: "auth_token" | "forward_host_credentials";
  /** Message that follows the field's label. */
  message: string;
}

/**
 * The spec behind a bottle's provider settings.
 *
 * @param settings The settings.
 * @returns The plugin's spec, the built-in's, or `undefined` for a plugin not loaded.
 */
export function settingsSpec(settings: ProviderSettings): ProviderSpec | undefined {
  if (settings.plugin !== undefined) return settings.plugin.spec;
  return isBuiltinTemplate(settings.template) ? builtinProvider(settings.template).spec : undefined;
}

/**
 * Check a provider's settings against what its `provider.yaml` declares.
 *
 * @param settings The settings.
 * @returns The first problem, or `undefined`.
 */
export function providerSettingsProblem(settings: ProviderSettings): ProviderProblem | undefined {
  const { template } = settings;
  const spec = settingsSpec(settings);
  if (settings.forwardHostCredentials && spec?.features.host_login === undefined) {
    return {
      field: "forward_host_credentials",
      message: `is only supported by template codex, not "${template}"`,
    };
  }
  if (settings.authToken === undefined) return undefined;
  if (spec?.credential === undefined) {
    return {
      field: "auth_token",
      message: isBuiltinTemplate(template)
        ? `is not supported by template "${template}": it has no provider API`
        : `is not supported by provider "${template}": its provider.yaml declares no credential`,
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
 * The routes a provider owns, authenticated as its settings say.
 *
 * @param settings The provider settings (assumed to pass {@link providerSettingsProblem}).
 * @returns The provider's routes (provider routes default to `outbound_on_match: redact`).
 */
export function providerRoutes(settings: ProviderSettings): Route[] {
  const spec = settingsSpec(settings);
  if (spec === undefined) return [];
  return spec.routes.map(({ credential: sources = [], ...own }) => {
    const route: Route = { ...own };
    const tokenRef = settings.forwardHostCredentials && sources.includes("host_login")
      ? CODEX_HOST_CREDENTIAL_TOKEN_REF
      : settings.authToken !== undefined && sources.includes("auth_token")
      ? settings.authToken
      : undefined;
    if (tokenRef !== undefined && spec.credential !== undefined) {
      route.auth = { scheme: spec.credential.scheme, token_ref: tokenRef };
    }
    return route;
  });
}
