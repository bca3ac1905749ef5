/**
 * Test support: a throw-away bot-bottle home and repository in a temp directory, removed on
 * dispose (`await using`).
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ManifestError } from "../../core/errors/mod.ts";
import type { LoadOptions } from "./_types.ts";

/** A temp home (`<root>/home`) and a repository (`<root>/repo`). */
export interface TempHome extends AsyncDisposable {
  /** The temp directory holding both. */
  root: string;
  /** Options to pass to the loader. */
  opts: LoadOptions;
  /** Write `<home>/bottles/<name>.md` with the given frontmatter and body; returns its path. */
  bottle(name: string, frontmatter: string, body?: string): Promise<string>;
  /** Write `<home>/agents/<name>.md`; returns its path. */
  agent(name: string, frontmatter: string, body?: string): Promise<string>;
  /** Write any file under the root; returns its path. */
  write(relative: string, text: string): Promise<string>;
}

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "../../tests/fixtures/manifests");

/**
 * Make a temp home, optionally filled from `tests/fixtures/manifests/<fixture>/`.
 *
 * @param fixture A fixture directory name.
 * @returns The temp home.
 */
export async function tempHome(fixture?: string): Promise<TempHome> {
  const root = await Deno.makeTempDir({ prefix: "bb-manifest-" });
  const home = join(root, "home");
  const cwd = join(root, "repo");
  for (const dir of [join(home, "bottles"), join(home, "agents"), cwd]) {
    await Deno.mkdir(dir, { recursive: true });
  }
  if (fixture) await copyTree(join(FIXTURES, fixture), root);
  const write = async (relative: string, text: string) => {
    const path = join(root, relative);
    await Deno.mkdir(dirname(path), { recursive: true });
    await Deno.writeTextFile(path, text);
    return path;
  };
  const manifest = (frontmatter: string, body: string) => `---\n${frontmatter}---\n${body}`;
  return {
    root,
    opts: { home, cwd },
    bottle: (name, fm, body = "") => write(`home/bottles/${name}.md`, manifest(fm, body)),
    agent: (name, fm, body = "") => write(`home/agents/${name}.md`, manifest(fm, body)),
    write,
    [Symbol.asyncDispose]: () => Deno.remove(root, { recursive: true }),
  };
}

async function copyTree(from: string, to: string): Promise<void> {
  for await (const entry of Deno.readDir(from)) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory) {
      await Deno.mkdir(target, { recursive: true });
      await copyTree(source, target);
    } else {
      await Deno.copyFile(source, target);
    }
  }
}

/**
 * Await a promise that must reject with a ManifestError, and return the error.
 *
 * @param promise The operation.
 * @returns The error.
 */
export async function manifestError(promise: Promise<unknown>): Promise<ManifestError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ManifestError, `expected a ManifestError, got ${err}`);
    return err;
  }
  assert.fail("expected a ManifestError");
}

/**
 * Paths of object fields, anywhere in a schema, that have no `.describe()`.
 *
 * @param schema A zod schema.
 * @returns Dotted paths of undescribed fields.
 */
export function undescribedFields(schema: unknown, at = ""): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  const inner = ["innerType", "in", "out", "element", "valueType"]
    .map((k) => def[k])
    .filter((s) => s !== undefined);
  const options = (def.options as unknown[] | undefined) ?? [];
  const out = [...inner, ...options].flatMap((s) => undescribedFields(s, at));
  if (def.type === "object") {
    for (
      const [key, field] of Object.entries(def.shape as Record<string, { description?: string }>)
    ) {
      if (!field.description) out.push(`${at}${key}`);
      out.push(...undescribedFields(field, `${at}${key}.`));
    }
  }
  return [...new Set(out)];
}
