/**
 * The built-in providers, read from the same `provider.yaml` files a plugin author copies
 * (`images/<name>/`, embedded in the compiled binary with the Dockerfiles), through the same
 * parser as plugins: the two paths cannot drift.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import { BUILTIN_TEMPLATES, type BuiltinTemplate } from "./_definitions.ts";
import { parseProviderSpec, type Provider } from "./_spec_load.ts";
import { builtinFolder } from "./listing/mod.ts";

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
 * A built-in provider.
 *
 * @param name claude, codex or shell.
 * @returns The provider.
 * @throws {ConfigError} For a name that is not built in.
 * @throws {ManifestError} When the shipped `provider.yaml` is invalid (a bug: tests read each).
 */
export function builtinProvider(name: string): Provider {
  if (!isBuiltinTemplate(name)) {
    throw new ConfigError(`"${name}" is not a built-in provider (${BUILTIN_TEMPLATES.join(", ")})`);
  }
  const folder = builtinFolder(name);
  const yaml = new URL("provider.yaml", folder);
  return {
    name,
    origin: "builtin",
    folder: folder.href,
    dockerfile: new URL("Dockerfile", folder).href,
    spec: parseProviderSpec(Deno.readTextFileSync(yaml), yaml.pathname, name),
  };
}
