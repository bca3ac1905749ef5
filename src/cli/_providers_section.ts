/**
 * The providers section `list` prints. Without plugins it needs only the built-ins' names and
 * descriptions, so it loads the YAML parser and the provider schema (and the routes and DLP
 * modules behind it) only when a home has plugins, which must validate to be listed as usable:
 * then it takes the rows of `list providers`, loaded as that command is (by a computed
 * specifier, so `list` never even walks their module graph when there are no plugins).
 */
import { homePaths } from "../paths/mod.ts";
import { BUILTIN_DESCRIPTIONS, BUILTIN_TEMPLATES, pluginNames } from "../providers/listing/mod.ts";
import type { CliContext } from "./_context.ts";
import { type Field, renderFields } from "./_fields.ts";
import { loadCommand } from "./_load_command.ts";

/**
 * The providers section: built-ins, then plugins (a broken one with its error).
 *
 * @param ctx The CLI context.
 * @returns The rendered section.
 */
export async function providersSection(ctx: CliContext): Promise<string> {
  return renderFields("Providers", await providerRows(homePaths(ctx.env).contrib));
}

async function providerRows(contribDir: string): Promise<Field[]> {
  if ((await pluginNames(contribDir)).length === 0) {
    return BUILTIN_TEMPLATES.map((name) => [name, `built in  ${BUILTIN_DESCRIPTIONS[name]}`]);
  }
  const { loadedProviderRows } = await loadCommand<typeof import("./providers.ts")>(
    "./providers.ts",
  );
  return await loadedProviderRows(contribDir);
}
