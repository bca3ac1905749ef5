/**
 * `bot-bottle init`: write a starter bottle and agent for a provider, built in or a plugin
 * (SPEC §4). It never overwrites a file, and what it writes must load: a starter that does not
 * validate is removed again and the error reported.
 */
import { join } from "node:path";
import { stringify } from "yaml";
import { ConfigError, UsageError } from "../../core/errors/mod.ts";
import { TOKEN_REF_PATTERN } from "../../core/routes/mod.ts";
import { loadAgent } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { findProvider, listProviders } from "../providers/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";

/** Options of `init`. */
export interface InitOptions {
  /** The provider (template); asked for on a terminal when absent. */
  provider?: string | undefined;
  /** The agent's name (default: the provider's). */
  name?: string | undefined;
  /** The bottle's name (default: the agent's). */
  bottle?: string | undefined;
  /** The host variable holding the provider credential (`agent_provider.auth_token`). */
  authToken?: string | undefined;
  /** Extra hosts the agent may reach (one route each, no credential). */
  hosts: string[];
}

const NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Write the starter files.
 *
 * @param ctx The CLI context.
 * @param options What to write.
 * @returns The exit code (0).
 * @throws {UsageError} For a missing provider without a terminal, or an invalid name or variable.
 * @throws {ConfigError} When either file already exists.
 * @throws {ManifestError} When the starter does not load (nothing is left behind).
 */
export async function initCommand(ctx: CliContext, options: InitOptions): Promise<number> {
  const paths = homePaths(ctx.env);
  const interactive = options.provider === undefined;
  const template = options.provider ?? await askProvider(ctx, paths.contrib);
  const provider = await findProvider(template, paths.contrib);
  const { authToken, hosts } = interactive ? await askDetails(provider.spec.credential) : options;
  const name = options.name ?? template;
  const bottle = options.bottle ?? name;
  for (const [what, value] of [["--name", name], ["--bottle", bottle]]) {
    if (!NAME.test(value as string)) {
      throw new UsageError(`${what} "${value}" must be lower-case letters, digits and -`);
    }
  }
  if (authToken !== undefined && !TOKEN_REF_PATTERN.test(authToken)) {
    throw new UsageError(`--auth-token must name a host variable (e.g. MY_TOKEN)`);
  }
  const bottleFile = join(paths.bottles, `${bottle}.md`);
  const agentFile = join(paths.agents, `${name}.md`);
  for (const file of [bottleFile, agentFile]) {
    if (await exists(file)) {
      throw new ConfigError(
        `Cannot init: ${file} already exists; choose another --name or --bottle`,
      );
    }
  }
  const bottleYaml = {
    agent_provider: {
      template,
      ...(authToken === undefined ? {} : { auth_token: authToken }),
    },
    ...(hosts.length === 0 ? {} : { egress: { routes: hosts.map((host) => ({ host })) } }),
  };
  await Deno.mkdir(paths.bottles, { recursive: true });
  await Deno.mkdir(paths.agents, { recursive: true });
  await writeNew(bottleFile, bottleYaml, `Bottle for the ${template} provider, written by init.`);
  try {
    await writeNew(agentFile, { bottle }, "You are a careful coding agent. Work in the workspace.");
    const agent = await loadAgent(name, { home: paths.root, cwd: paths.root });
    for (const message of agent.warnings) warn(ctx, message);
  } catch (err) {
    await Deno.remove(bottleFile);
    await Deno.remove(agentFile).catch(() => {});
    throw err;
  }
  println(ctx, `wrote ${bottleFile}`);
  println(ctx, `wrote ${agentFile}`);
  if (provider.spec.credential !== undefined && authToken === undefined) {
    const from = provider.spec.credential.token_ref;
    println(
      ctx,
      from === undefined
        ? "next: set agent_provider.auth_token to the host variable that holds the credential"
        : `next: export ${from} on the host (the provider's credential; the agent gets a placeholder)`,
    );
  }
  println(ctx, `start it: bot-bottle start ${name}`);
  return 0;
}

async function askProvider(ctx: CliContext, contribDir: string): Promise<string> {
  if (!ctx.stdinIsTty) {
    throw new UsageError(
      "init needs --provider <name> without a terminal (see bot-bottle list providers)",
    );
  }
  const entries = (await listProviders(contribDir)).filter((e) => e.provider !== undefined);
  const { pickProvider } = await import("./_pickers.ts");
  return await pickProvider(
    entries.map((e) => ({ name: e.name, description: e.provider?.spec.description ?? "" })),
  );
}

/** The rest of the interactive form: the credential's host variable and extra hosts. */
async function askDetails(
  credential: { token_ref?: string | undefined } | undefined,
): Promise<Pick<InitOptions, "authToken" | "hosts">> {
  const { askLine } = await import("./_pickers.ts");
  const token = credential === undefined ? "" : await askLine(
    `Host variable holding the credential${
      credential.token_ref ? ` (empty: ${credential.token_ref})` : ""
    }`,
    (v) => v === "" || TOKEN_REF_PATTERN.test(v) || "upper-case letters, digits and _",
  );
  const hosts = await askLine(
    "Other hosts the agent may reach (comma-separated, empty: none)",
    () => true,
  );
  return {
    ...(token === "" ? {} : { authToken: token }),
    hosts: hosts.split(",").map((h) => h.trim()).filter(Boolean),
  };
}

async function writeNew(path: string, frontmatter: unknown, body: string): Promise<void> {
  const text = `---\n${stringify(frontmatter)}---\n${body}\n`;
  await Deno.writeTextFile(path, text, { createNew: true, mode: 0o600 });
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}
