/**
 * Every provider a home offers: the built-ins, then the plugins in `<home>/contrib/`. A broken
 * plugin is listed with its positioned error and never hides the others.
 */
import { join } from "node:path";
import { ManifestError, NotFoundError } from "../../core/errors/mod.ts";
import { didYouMean } from "../../core/yaml_strict/mod.ts";
import { BUILTIN_TEMPLATES } from "./_definitions.ts";
import { pluginNames } from "./listing/mod.ts";
import { builtinProvider, isBuiltinTemplate } from "./_builtin.ts";
import { loadContribProvider, type Provider } from "./_spec_load.ts";

/** One provider as `list` shows it. */
export interface ProviderEntry {
  /** Its name. */
  name: string;
  /** Built in or a plugin. */
  origin: "builtin" | "contrib";
  /** Its folder. */
  folder: string;
  /** The loaded provider, when valid. */
  provider?: Provider;
  /** Why it cannot be used, when broken. */
  error?: ManifestError;
}

/**
 * List every provider, built-ins first.
 *
 * @param contribDir `<home>/contrib`.
 * @returns The entries; a broken plugin carries its error.
 */
export async function listProviders(contribDir: string): Promise<ProviderEntry[]> {
  const entries: ProviderEntry[] = BUILTIN_TEMPLATES.map((name) => {
    const provider = builtinProvider(name);
    return { name, origin: "builtin", folder: provider.folder, provider };
  });
  for (const name of await pluginNames(contribDir)) {
    const folder = join(contribDir, name);
    try {
      entries.push({
        name,
        origin: "contrib",
        folder,
        provider: await loadPlugin(contribDir, name),
      });
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      entries.push({ name, origin: "contrib", folder, error: err });
    }
  }
  return entries;
}

/**
 * Find one provider by name.
 *
 * @param name The template name.
 * @param contribDir `<home>/contrib`.
 * @returns The provider.
 * @throws {NotFoundError} When no built-in or plugin has that name (with a did-you-mean).
 * @throws {ManifestError} When the plugin is broken.
 */
export async function findProvider(name: string, contribDir: string): Promise<Provider> {
  if (isBuiltinTemplate(name)) return builtinProvider(name);
  const plugins = await pluginNames(contribDir);
  if (!plugins.includes(name)) {
    const known = [...BUILTIN_TEMPLATES, ...plugins];
    const guess = didYouMean(name, known);
    throw new NotFoundError(
      `Cannot find provider "${name}": not built in and no plugin in ${contribDir}/ ` +
        `(available: ${known.join(", ")})${guess ? ` (did you mean "${guess}"?)` : ""}`,
    );
  }
  return await loadPlugin(contribDir, name);
}

async function loadPlugin(contribDir: string, name: string): Promise<Provider> {
  if (isBuiltinTemplate(name)) {
    const file = join(contribDir, name, "provider.yaml");
    throw new ManifestError(
      `Cannot load provider "${name}": a plugin cannot take a built-in provider's name; ` +
        "rename its folder",
      { file, line: 1, column: 1 },
    );
  }
  return await loadContribProvider(contribDir, name);
}
