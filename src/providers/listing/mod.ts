/**
 * The provider names a home offers, and the built-ins' descriptions, without the YAML parser or
 * the provider schema: `list` prints these on every run, and the schema (zod, the routes schema
 * and the DLP detector registry behind it) costs more to load than the rest of `list` together.
 * Plugins are validated by the full loader in `../mod.ts` (`listProviders`), which callers load
 * only when a home has plugins.
 *
 * @module
 * @example
 * ```ts
 * import { BUILTIN_DESCRIPTIONS, BUILTIN_TEMPLATES, pluginNames } from "./mod.ts";
 * console.assert(BUILTIN_TEMPLATES.includes("shell"));
 * console.assert(BUILTIN_DESCRIPTIONS.shell.length > 0);
 * console.assert((await pluginNames("/nonexistent")).length === 0);
 * ```
 */

/** Names of the built-in templates, in the order messages list them. */
export const BUILTIN_TEMPLATES = Object.freeze(["claude", "codex", "shell"] as const);

/** A built-in template name. */
export type BuiltinTemplate = (typeof BUILTIN_TEMPLATES)[number];

/** Plugin folder names: the same rule as template names. */
const PLUGIN_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The plugin names under a contrib folder (sub-folders whose name is a valid template name).
 *
 * @param contribDir `<home>/contrib`.
 * @returns Sorted names; none when the folder is missing.
 */
export async function pluginNames(contribDir: string): Promise<string[]> {
  try {
    const entries = await Array.fromAsync(Deno.readDir(contribDir));
    return entries.filter((e) => e.isDirectory && PLUGIN_NAME.test(e.name)).map((e) => e.name)
      .sort();
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
}

/**
 * The folder of a built-in provider (`images/<name>/`, inside the binary when compiled).
 *
 * @param name A built-in template name.
 * @returns Its URL.
 */
export function builtinFolder(name: BuiltinTemplate): URL {
  return new URL(`../../../images/${name}/`, import.meta.url);
}

/**
 * The built-ins' descriptions, as their `provider.yaml` states them (a test holds the two equal):
 * `list` prints them on every run, and reading them from the YAML would load the YAML parser,
 * which costs `list` more than everything else it does.
 */
export const BUILTIN_DESCRIPTIONS: Readonly<Record<BuiltinTemplate, string>> = Object.freeze({
  claude: "Claude Code (Anthropic)",
  codex: "Codex CLI (OpenAI)",
  shell: "A plain shell, no credentials",
});
