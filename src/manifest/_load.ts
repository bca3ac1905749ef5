/**
 * Loading one agent or bottle: read only the files it needs (the agent, its bottle and the
 * bottle's `extends` chain), validate each on its own, then fold.
 */
import { dirname, isAbsolute, join, resolve } from "node:path";
import { NotFoundError } from "../../core/errors/mod.ts";
import {
  BUILTIN_TEMPLATES,
  isBuiltinTemplate,
  loadContribProvider,
  providerSettingsProblem,
} from "../providers/mod.ts";
import { didYouMean, validateYaml } from "../../core/yaml_strict/mod.ts";
import { agentKeyHint, AgentSchema } from "./_agent_schema.ts";
import { type AgentProviderLayer, bottleKeyHint, BottleLayerSchema } from "./_bottle_schema.ts";
import { type BottleReader, type BottleSource, linearize } from "./_extends.ts";
import { bottlesDir, contribNames, type Scan, scanAgents, scanDir } from "./listing/mod.ts";
import { foldBottle } from "./_fold.ts";
import { type ManifestFile, readManifestFile } from "./_frontmatter.ts";
import type {
  AgentProvider,
  GitUser,
  LoadOptions,
  ResolvedAgent,
  ResolvedBottle,
} from "./_types.ts";

/**
 * Load one bottle and its `extends` chain.
 *
 * @param name The bottle's name.
 * @param opts Where the manifests are.
 * @returns The resolved bottle.
 * @throws {NotFoundError} When there is no such bottle (the message lists the bottles).
 * @throws {ManifestError} When a file of the chain is invalid.
 */
export async function loadBottle(name: string, opts: LoadOptions): Promise<ResolvedBottle> {
  const scan = await scanDir(bottlesDir(opts));
  if (!scan.files.has(name)) {
    throw new NotFoundError(
      `Cannot load bottle "${name}": no such bottle in ${bottlesDir(opts)} (available: ${
        listOf(scan.files.keys())
      })`,
    );
  }
  return resolveBottle(name, scan, opts);
}

/**
 * Load one agent, its bottle and the bottle's `extends` chain.
 *
 * @param name The agent's name.
 * @param opts Where the manifests are.
 * @returns The resolved agent.
 * @throws {NotFoundError} When there is no such agent (the message lists the agents).
 * @throws {ManifestError} When the agent or a bottle file of its chain is invalid.
 */
export async function loadAgent(name: string, opts: LoadOptions): Promise<ResolvedAgent> {
  const { agents, ignoredBottles, shadowed } = await scanAgents(opts);
  const entry = agents.find((a) => a.name === name);
  if (!entry) {
    throw new NotFoundError(
      `Cannot load agent "${name}": no such agent (available: ${
        listOf(agents.map((a) => a.name))
      })`,
    );
  }
  const file = await readManifestFile(entry.path, `Cannot load agent "${name}"`);
  const layer = validateYaml(file.doc, AgentSchema, {
    unknownKeyHint: agentKeyHint,
    value: file.doc.value ?? {},
  });
  const scan = await scanDir(bottlesDir(opts));
  if (!scan.files.has(layer.bottle)) {
    throw file.doc.error(
      ["bottle"],
      `bottle "${layer.bottle}" does not exist in ${bottlesDir(opts)} (available: ${
        listOf(scan.files.keys())
      })`,
    );
  }
  const bottle = await resolveBottle(layer.bottle, scan, opts);
  const gitUser: GitUser = { ...bottle.gitGate.user };
  const own = layer["git-gate"]?.user;
  if (own?.name !== undefined) gitUser.name = { value: own.name, from: entry.path };
  if (own?.email !== undefined) gitUser.email = { value: own.email, from: entry.path };
  return {
    name,
    path: entry.path,
    source: entry.source,
    prompt: file.body,
    skills: layer.skills ?? [],
    bottle,
    gitUser,
    warnings: [
      ...(ignoredBottles ? [ignoredBottles] : []),
      ...(shadowed.has(name)
        ? [`agent "${name}" comes from ${entry.path}, in place of ${shadowed.get(name)}`]
        : []),
      ...bottle.warnings,
    ],
  };
}

async function resolveBottle(name: string, scan: Scan, opts: LoadOptions): Promise<ResolvedBottle> {
  let plugins: Promise<string[]> | undefined;
  const reader: BottleReader = {
    names: [...scan.files.keys()],
    read: (bottle) =>
      readBottle(
        bottle,
        scan.files.get(bottle) as string,
        opts,
        () => plugins ??= contribNames(opts),
      ),
  };
  const sources = await linearize(name, reader);
  return foldBottle(sources, (path, file) => expandPath(path, file, opts));
}

async function readBottle(
  name: string,
  path: string,
  opts: LoadOptions,
  plugins: () => Promise<string[]>,
): Promise<BottleSource> {
  const file = await readManifestFile(path, `Cannot load bottle "${name}"`);
  const layer = validateYaml(file.doc, BottleLayerSchema, {
    unknownKeyHint: bottleKeyHint,
    value: file.doc.value ?? {},
  });
  const declared = layer.agent_provider;
  const provider = declared ? await checkProvider(file, declared, opts, plugins) : undefined;
  return { name, file, layer, provider };
}

async function checkProvider(
  file: ManifestFile,
  declared: AgentProviderLayer,
  opts: LoadOptions,
  plugins: () => Promise<string[]>,
): Promise<AgentProvider> {
  const { template, auth_token: authToken, forward_host_credentials: forward } = declared;
  const builtin = isBuiltinTemplate(template);
  if (!builtin && !(await plugins()).includes(template)) {
    const known = [...BUILTIN_TEMPLATES, ...(await plugins())];
    const guess = didYouMean(template, known);
    throw file.doc.error(
      ["agent_provider", "template"],
      `agent_provider.template must be one of ${known.join(", ")} (or a plugin in ${
        contribDir(opts)
      }/), got "${template}"${guess ? ` (did you mean "${guess}"?)` : ""}`,
    );
  }
  const plugin = builtin ? undefined : await loadContribProvider(contribDir(opts), template);
  const problem = providerSettingsProblem({
    template,
    authToken,
    forwardHostCredentials: forward,
    plugin,
  });
  if (problem) {
    throw file.doc.error(
      ["agent_provider", problem.field],
      `agent_provider.${problem.field} ${problem.message}`,
    );
  }
  const provider: AgentProvider = { template, builtin, forwardHostCredentials: forward };
  // A plugin may name the host variable its credential comes from when the bottle names none.
  const token = authToken ?? (forward ? undefined : plugin?.spec.credential?.token_ref);
  if (token !== undefined) provider.authToken = token;
  if (plugin !== undefined) provider.plugin = plugin;
  if (declared.dockerfile !== undefined) {
    provider.dockerfile = expandPath(declared.dockerfile, file.path, opts);
  }
  return provider;
}

function contribDir(opts: LoadOptions): string {
  return join(opts.home, "contrib");
}

function expandPath(path: string, file: string, opts: LoadOptions): string {
  if (path.startsWith("~/")) return opts.userHome ? join(opts.userHome, path.slice(2)) : path;
  return isAbsolute(path) ? path : resolve(dirname(file), path);
}

function listOf(names: Iterable<string>): string {
  const list = [...names];
  return list.length > 0 ? list.join(", ") : "none";
}
