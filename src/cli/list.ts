/**
 * `bot-bottle list`: the agents that can be started, home and repo-local, then the providers
 * (built in and plugins). Only agent names are scanned, so a broken manifest never hides the
 * others (SPEC §3 "loading is lazy"); a broken plugin is listed with its error.
 */
import { listAgents } from "../manifest/listing/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";
import { renderFields } from "./_fields.ts";
import { providersSection } from "./_providers_section.ts";

/** Options of `list`. */
export interface ListOptions {
  /** Print a JSON array for scripts instead of the human table. */
  json: boolean;
}

/**
 * List agents.
 *
 * @param ctx The CLI context.
 * @param options Output options.
 * @returns The exit code (0).
 */
export async function listCommand(ctx: CliContext, options: ListOptions): Promise<number> {
  const home = homePaths(ctx.env).root;
  const { agents, warnings } = await listAgents({ home, cwd: ctx.cwd });
  for (const message of warnings) warn(ctx, message);
  if (options.json) {
    println(ctx, JSON.stringify(agents.map(({ name, source, path }) => ({ name, source, path }))));
    return 0;
  }
  if (agents.length === 0) {
    println(ctx, "No agents yet.");
    println(
      ctx,
      `Write one in ${home}/agents/<name>.md, or run bot-bottle init --provider <name>.`,
    );
  } else {
    ctx.stdout.write(
      renderFields(
        "Agents",
        agents.map((
          { name, source, path },
        ) => [name, `${source === "repo" ? "repo " : "home "} ${path}`]),
      ),
    );
  }
  println(ctx);
  ctx.stdout.write(await providersSection(ctx));
  return 0;
}
