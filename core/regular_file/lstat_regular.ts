/** The check before a write (or an open) in a folder a less trusted party writes. */

/**
 * Refuse a path that is a symlink or not a regular file.
 *
 * @param path The path.
 * @param what What the file is, for the message.
 * @returns The lstat result, or `undefined` when nothing is there.
 * @throws {Error} When the path is a symlink or not a regular file.
 */
export async function lstatRegular(path: string, what: string): Promise<Deno.FileInfo | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (info.isSymlink) throw new Error(`${what} ${path} is a symlink; refusing to follow it`);
  if (!info.isFile) throw new Error(`${what} ${path} is not a regular file`);
  return info;
}
