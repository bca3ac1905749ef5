/**
 * Reading a host folder as a build context, for the digest. Symlinks are recorded, not followed,
 * as `docker build` sends them: following one could pull a file from outside the folder into the
 * tag's inputs while the build itself never sees it.
 */
import { join } from "node:path";
import type { ContextEntry } from "./_digest.ts";

/**
 * Every entry under a folder, depth first.
 *
 * @param dir The context folder.
 * @returns Its entries, names relative to `dir` with `/` separators.
 */
export async function readContextDir(dir: string): Promise<ContextEntry[]> {
  const entries: ContextEntry[] = [];
  await walk(dir, "", entries);
  return entries;
}

async function walk(root: string, prefix: string, entries: ContextEntry[]): Promise<void> {
  for await (const item of Deno.readDir(join(root, prefix))) {
    const name = prefix === "" ? item.name : `${prefix}/${item.name}`;
    const path = join(root, name);
    const info = await Deno.lstat(path);
    const executable = ((info.mode ?? 0) & 0o111) !== 0;
    if (info.isSymlink) {
      const target = new TextEncoder().encode(await Deno.readLink(path));
      entries.push({ name, type: "symlink", executable: false, bytes: target });
    } else if (info.isDirectory) {
      entries.push({ name, type: "dir", executable, bytes: new Uint8Array() });
      await walk(root, name, entries);
    } else if (info.isFile) {
      entries.push({ name, type: "file", executable, bytes: await Deno.readFile(path) });
    } else {
      entries.push({ name, type: "other", executable: false, bytes: new Uint8Array() });
    }
  }
}
