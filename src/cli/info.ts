/**
 * `bot-bottle info <agent>`: what the agent would get — env names (never values), skills, prompt,
 * git identity with provenance, repos and egress routes. Parses only that agent and its bottles.
 */
import { NotFoundError } from "../../core/errors/mod.ts";
import { loadAgent, type ResolvedAgent } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { isBuiltinTemplate, pluginNames } from "../providers/mod.ts";
import { type CliContext, warn } from "./_context.ts";
import { type Field, renderFields } from "./_fields.ts";
import { infoProviderCommand } from "./providers.ts";

/**
 * Print an agent's resolved configuration, or a provider's when no agent has that name.
 *
 * @param ctx The CLI context.
 * @param name The agent (or provider) name.
 * @returns The exit code (0).
 * @throws {NotFoundError} When no such agent or provider exists.
 * @throws {ManifestError} When the agent or one of its bottles (or the plugin) does not load.
 */
export async function infoCommand(ctx: CliContext, name: string): Promise<number> {
  let agent: ResolvedAgent;
  try {
    agent = await loadAgent(name, {
      home: homePaths(ctx.env).root,
      cwd: ctx.cwd,
      ...(ctx.env.HOME === undefined ? {} : { userHome: ctx.env.HOME }),
    });
  } catch (err) {
    if (!(err instanceof NotFoundError)) throw err;
    const plugins = await pluginNames(homePaths(ctx.env).contrib);
    if (!isBuiltinTemplate(name) && !plugins.includes(name)) throw err;
    return await infoProviderCommand(ctx, name);
  }
  for (const message of agent.warnings) warn(ctx, message);
  ctx.stdout.write(renderFields(`Agent ${agent.name}`, infoFields(agent)));
  return 0;
}

/**
 * The fields `info` prints, in order. Exported for tests.
 *
 * @param agent A resolved agent.
 * @returns Key/value pairs.
 */
export function infoFields(agent: ResolvedAgent): Field[] {
  const bottle = agent.bottle;
  const env = Object.entries(bottle.env).map(([key, value]) =>
    value.kind === "host"
      ? `${key} (from host $${value.name})`
      : value.kind === "prompt"
      ? `${key} (asked at launch)`
      : `${key} (literal)`
  );
  const repos = Object.entries(bottle.gitGate.repos).map(([repo, spec]) => `${repo}  ${spec.url}`);
  const routes = bottle.egress.routes.map((route) =>
    route.auth === undefined ? route.host : `${route.host} [auth:${route.auth.scheme}]`
  );
  const identity = (["name", "email"] as const).map((field) => {
    const value = agent.gitUser[field];
    return value === undefined
      ? `${field}: (unset)`
      : `${field}: ${value.value}  (from ${value.from})`;
  });
  return [
    ["file", `${agent.path} (${agent.source})`],
    ["bottle", `${bottle.name}  (${bottle.chain.join(" -> ")})`],
    [
      "provider",
      bottle.agentProvider.plugin === undefined
        ? `${bottle.agentProvider.template} (built in)`
        : `${bottle.agentProvider.template} (plugin ${bottle.agentProvider.plugin.folder})`,
    ],
    ["supervise", bottle.supervise ? "on" : "off"],
    ["env", listOrNone(env)],
    ["skills", listOrNone(agent.skills)],
    ["git identity", identity.join("\n")],
    ["repos", listOrNone(repos)],
    ["egress", listOrNone(routes)],
    ["egress log", String(bottle.egress.log)],
    ["prompt", summarizePrompt(agent.prompt)],
  ];
}

function listOrNone(items: readonly string[]): string {
  return items.length === 0 ? "(none)" : items.join("\n");
}

function summarizePrompt(prompt: string): string {
  const text = prompt.trim();
  if (text === "") return "(empty)";
  const lines = text.split("\n");
  const first = lines[0] ?? "";
  return lines.length === 1 ? first : `${first}  (+${lines.length - 1} more lines)`;
}
