/**
 * Which image a build starts from: the first `FROM` of its Dockerfile, with the global `ARG`s it
 * names resolved from the build arguments or their defaults. `ensureDockerImage` makes sure the
 * engine has it before building, so a base that cannot be pulled is one clear error instead of a
 * failed build's output.
 */
import { join } from "node:path";
import type { BuiltImageRecipe } from "../types.ts";

/**
 * The recipe's base image.
 *
 * @param recipe A recipe to build.
 * @returns The image reference, or `undefined` when there is none to pull (`scratch`, an
 *   argument without a value, no `FROM`).
 */
export async function baseImageOf(recipe: BuiltImageRecipe): Promise<string | undefined> {
  const { context } = recipe;
  const bytes = context.kind === "dir"
    ? await Deno.readFile(join(context.dir, context.dockerfile))
    : context.files.get("Dockerfile");
  return bytes === undefined
    ? undefined
    : firstFrom(new TextDecoder().decode(bytes), recipe.buildArgs);
}

/**
 * The first `FROM`'s image of a Dockerfile, global `ARG`s substituted.
 *
 * @param dockerfile The Dockerfile's text.
 * @param buildArgs `--build-arg` values; they override the `ARG` defaults.
 * @returns The image reference, or `undefined` when there is none to pull.
 */
export function firstFrom(
  dockerfile: string,
  buildArgs: Readonly<Record<string, string>>,
): string | undefined {
  const args = new Map<string, string>();
  for (const line of instructions(dockerfile)) {
    const [word = "", ...rest] = line.split(/\s+/);
    const keyword = word.toUpperCase();
    if (keyword === "ARG") {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(rest.join(" "));
      if (match === null) continue;
      const name = match[1] as string;
      const value = buildArgs[name] ?? unquote(match[2]);
      if (value !== undefined) args.set(name, value);
      continue;
    }
    if (keyword !== "FROM") continue;
    const image = rest.find((part) => !part.startsWith("--"));
    if (image === undefined) return undefined;
    const resolved = image.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (whole, braced?: string, bare?: string) => args.get(braced ?? bare ?? "") ?? whole,
    );
    return resolved.includes("$") || resolved === "" || resolved.toLowerCase() === "scratch"
      ? undefined
      : resolved;
  }
  return undefined;
}

/** The instructions of a Dockerfile: comments and blank lines dropped, continuations joined. */
function instructions(dockerfile: string): string[] {
  const out: string[] = [];
  let pending = "";
  for (const raw of dockerfile.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    out.push((pending + line).trim());
    pending = "";
  }
  if (pending.trim() !== "") out.push(pending.trim());
  return out;
}

function unquote(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const quoted = /^"(.*)"$|^'(.*)'$/.exec(value);
  return quoted === null ? value : (quoted[1] ?? quoted[2]);
}
