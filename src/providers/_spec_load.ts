/**
 * Reading one provider folder: `provider.yaml` through the strict YAML loader and the schema
 * (positioned errors, did-you-mean), and its `Dockerfile`, whose base must stay a build argument
 * so hosts without a registry can build it on their own base image.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ManifestError, messageOf } from "../../core/errors/mod.ts";
import { parseStrictYaml, validateYaml } from "../../core/yaml_strict/mod.ts";
import { type ProviderSpec, ProviderSpecSchema } from "./_spec_schema.ts";
import { dockerfileProblem } from "./_dockerfile_check.ts";

/** A provider ready to plan with: its spec and where its files are. */
export interface Provider {
  /** The template name (`agent_provider.template`). */
  name: string;
  /** Shipped with bot-bottle, or a plugin in `~/.bot-bottle/contrib/`. */
  origin: "builtin" | "contrib";
  /** The folder holding `provider.yaml` and `Dockerfile` (a path; a URL for built-ins). */
  folder: string;
  /** URL of its Dockerfile. */
  dockerfile: string;
  /** The validated `provider.yaml`. */
  spec: ProviderSpec;
}

/**
 * Parse and validate `provider.yaml` text.
 *
 * @param text The YAML.
 * @param file Its path, for messages.
 * @param name The provider's name, for messages.
 * @returns The spec.
 * @throws {ManifestError} At `file:line:col` of the first problem.
 */
export function parseProviderSpec(text: string, file: string, name: string): ProviderSpec {
  const doc = parseStrictYaml(text, file, { subject: `Cannot load provider "${name}"` });
  return validateYaml(doc, ProviderSpecSchema, { value: doc.value ?? {} });
}

/**
 * Load a contrib plugin folder.
 *
 * @param contribDir The contrib folder (`~/.bot-bottle/contrib`).
 * @param name The plugin's name (its folder).
 * @returns The provider.
 * @throws {ManifestError} When `provider.yaml` or `Dockerfile` is missing or invalid (line 1 of
 *   the missing file).
 */
export async function loadContribProvider(contribDir: string, name: string): Promise<Provider> {
  const folder = join(contribDir, name);
  const yamlPath = join(folder, "provider.yaml");
  const dockerfilePath = join(folder, "Dockerfile");
  const spec = parseProviderSpec(await readFile(yamlPath, name), yamlPath, name);
  const problem = dockerfileProblem(await readFile(dockerfilePath, name));
  if (problem) {
    throw new ManifestError(`Cannot load provider "${name}": ${problem.message}`, {
      file: dockerfilePath,
      line: problem.line,
      column: 1,
    });
  }
  return {
    name,
    origin: "contrib",
    folder,
    dockerfile: pathToFileURL(dockerfilePath).href,
    spec,
  };
}

async function readFile(path: string, name: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    const why = err instanceof Deno.errors.NotFound
      ? "is missing: a plugin folder holds provider.yaml and Dockerfile"
      : `cannot be read: ${messageOf(err)}`;
    throw new ManifestError(`Cannot load provider "${name}": ${path} ${why}`, {
      file: path,
      line: 1,
      column: 1,
      cause: err,
    });
  }
}
