/**
 * `bot-bottle list providers` and `bot-bottle info <provider>`: the built-in providers and the
 * plugins in `~/.bot-bottle/contrib/`, each with its folder. A broken plugin is listed with its
 * positioned error and never hides the others.
 */
import { findProvider, listProviders, type Provider } from "../providers/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println } from "./_context.ts";
import { type Field, renderFields } from "./_fields.ts";

/**
 * One row per provider, built-ins first, through the provider loader: a plugin is listed as
 * usable only once it validates, else with its positioned error.
 *
 * @param contribDir `<home>/contrib`.
 * @returns The rows of the providers section.
 */
export async function loadedProviderRows(contribDir: string): Promise<Field[]> {
  return (await listProviders(contribDir)).map((e) => [
    e.name,
    e.error !== undefined
      ? `broken: ${e.error.message}`
      : `${e.origin === "builtin" ? "built in" : `plugin ${e.folder}`}  ${
        e.provider?.spec.description ?? ""
      }`,
  ]);
}

/**
 * List providers.
 *
 * @param ctx The CLI context.
 * @param options Print JSON for scripts.
 * @returns The exit code (0, broken plugins included).
 */
export async function listProvidersCommand(
  ctx: CliContext,
  options: { json: boolean },
): Promise<number> {
  if (!options.json) {
    ctx.stdout.write(
      renderFields("Providers", await loadedProviderRows(homePaths(ctx.env).contrib)),
    );
    return 0;
  }
  const entries = await listProviders(homePaths(ctx.env).contrib);
  println(
    ctx,
    JSON.stringify(entries.map((e) => ({
      name: e.name,
      origin: e.origin,
      folder: e.folder,
      ...(e.error === undefined ? {} : {
        error: {
          file: e.error.file,
          line: e.error.line,
          column: e.error.column,
          message: e.error.detail,
        },
      }),
    }))),
  );
  return 0;
}

/**
 * Print one provider.
 *
 * @param ctx The CLI context.
 * @param name The provider's name.
 * @returns The exit code (0).
 * @throws {NotFoundError} When there is no such provider.
 * @throws {ManifestError} When the plugin is broken.
 */
export async function infoProviderCommand(ctx: CliContext, name: string): Promise<number> {
  const provider = await findProvider(name, homePaths(ctx.env).contrib);
  ctx.stdout.write(renderFields(`Provider ${provider.name}`, providerFields(provider)));
  return 0;
}

/**
 * The fields `info` prints for a provider. Exported for tests.
 *
 * @param provider The provider.
 * @returns Key/value pairs.
 */
export function providerFields(provider: Provider): Field[] {
  const { spec } = provider;
  const credential = spec.credential;
  const routes = spec.routes.map((r) =>
    r.credential?.length ? `${r.host} [credential: ${r.credential.join(", ")}]` : r.host
  );
  return [
    ["source", provider.origin === "builtin" ? `built in (${provider.folder})` : provider.folder],
    ["description", spec.description],
    ["command", spec.command.join(" ")],
    ["resume", (spec.resume ?? spec.command).join(" ")],
    ["prompt", spec.prompt.mode === "none" ? "none" : JSON.stringify(spec.prompt)],
    ["skills", spec.skills_dir ?? "(none)"],
    ["env", Object.keys(spec.env).join("\n") || "(none)"],
    ["mcp", spec.mcp?.join(" ") ?? "(none: the supervise tools are not registered)"],
    [
      "credential",
      credential === undefined
        ? "(none)"
        : `${credential.scheme}, placeholder in ${credential.placeholder_env}` +
          (credential.token_ref === undefined
            ? "; host variable: agent_provider.auth_token"
            : `; host variable: ${credential.token_ref} (or agent_provider.auth_token)`),
    ],
    ["routes", routes.join("\n") || "(none)"],
    ["user", `${spec.user}, in ${spec.workdir}`],
  ];
}
