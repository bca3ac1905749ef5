/**
 * The agent's secret variables on smolmachines. smolvm re-reads a secret at every `machine start`
 * and `machine exec` (it never stores the value in the machine's record or a pack), so the value
 * must stay readable for as long as the bottle runs, including by a later `bot-bottle exec` that
 * never saw it. Each one is a 0600 file in a 0700 folder of the bottle's own, named on the argv
 * only by path (`--secret-file NAME=/abs/path`), and removed with the bottle.
 */
import { join } from "node:path";

/**
 * The folder of one bottle's secret files.
 *
 * @param runDir The backend's folder.
 * @param slug The bottle's slug.
 * @returns The folder's path.
 */
export function secretsDir(runDir: string, slug: string): string {
  return join(runDir, "bottles", slug, "secrets");
}

/**
 * Write one file per secret variable; only the names the spec lists are written.
 *
 * @param runDir The backend's folder.
 * @param slug The bottle's slug.
 * @param names The secret variables.
 * @param values Their values.
 * @returns The file of each variable, by name.
 * @throws {TypeError} When a listed variable has no value.
 */
export async function writeSecretFiles(
  runDir: string,
  slug: string,
  names: readonly string[],
  values: Readonly<Record<string, string>>,
): Promise<Record<string, string>> {
  const dir = secretsDir(runDir, slug);
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await Deno.chmod(dir, 0o700);
  const files: Record<string, string> = {};
  for (const name of names) {
    const value = values[name];
    if (value === undefined) {
      throw new TypeError(`Cannot start a machine: no value for its secret variable ${name}`);
    }
    const file = join(dir, name);
    await Deno.writeTextFile(file, value, { mode: 0o600 });
    await Deno.chmod(file, 0o600);
    files[name] = file;
  }
  return files;
}

/**
 * Remove a bottle's secret files (and its folder); already gone is no error.
 *
 * @param runDir The backend's folder.
 * @param slug The bottle's slug.
 */
export async function removeSecretFiles(runDir: string, slug: string): Promise<void> {
  await Deno.remove(join(runDir, "bottles", slug), { recursive: true }).catch((err) => {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  });
}
