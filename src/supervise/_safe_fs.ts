/**
 * Writes that never follow a symlink. The sidecar can write into the bottle's queue and egress
 * directories, so anything the host writes there could have been swapped for a link to a host
 * file; each write checks with `lstat` first and, for in-place writes, that the file it opened is
 * the one it checked.
 */

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

/**
 * Refuse a directory path that is a symlink or not a directory.
 *
 * @param path The directory.
 * @param what What it is, for the message.
 * @throws {Error} When it is missing, a symlink or not a directory.
 */
export async function assertRealDir(path: string, what: string): Promise<void> {
  const info = await Deno.lstat(path);
  if (info.isSymlink) throw new Error(`${what} ${path} is a symlink; refusing to follow it`);
  if (!info.isDirectory) throw new Error(`${what} ${path} is not a directory`);
}

/**
 * Replace an existing regular file's content in place: open, check it is the file `lstat` saw,
 * truncate, write. Never a rename, because the sidecar sees the file through a bind mount of its
 * directory and must see the new content at the same inode (SPEC §12).
 *
 * @param path The existing file.
 * @param text The new content.
 * @param what What the file is, for messages.
 * @throws {Error} When the file is missing, a symlink, not regular, or changed under us.
 */
export async function writeInPlace(path: string, text: string, what: string): Promise<void> {
  const before = await lstatRegular(path, what);
  if (before === undefined) throw new Error(`${what} ${path} does not exist`);
  using file = await Deno.open(path, { write: true });
  const opened = await file.stat();
  if (opened.ino !== before.ino || opened.dev !== before.dev) {
    throw new Error(`${what} ${path} was replaced while being written; refusing`);
  }
  await file.truncate(0);
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}

/**
 * Write a whole file (mode 0600), creating it or replacing a regular file's content; a symlink
 * or other special file in its place is refused.
 *
 * @param path The file.
 * @param text The content.
 * @param what What the file is, for messages.
 */
export async function writePrivate(path: string, text: string, what: string): Promise<void> {
  if (await lstatRegular(path, what) !== undefined) {
    await writeInPlace(path, text, what);
  } else {
    await Deno.writeTextFile(path, text, { mode: 0o600, createNew: true });
  }
  await Deno.chmod(path, 0o600);
}

/**
 * Append one line to a file (created 0600), refusing a symlink in its place.
 *
 * @param path The file.
 * @param line The line, without the newline.
 * @param what What the file is, for messages.
 */
export async function appendLine(path: string, line: string, what: string): Promise<void> {
  const before = await lstatRegular(path, what);
  using file = await Deno.open(path, {
    append: true,
    create: before === undefined,
    createNew: before === undefined,
    mode: 0o600,
  });
  if (before !== undefined) {
    const opened = await file.stat();
    if (opened.ino !== before.ino || opened.dev !== before.dev) {
      throw new Error(`${what} ${path} was replaced while being written; refusing`);
    }
  }
  const bytes = new TextEncoder().encode(`${line}\n`);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
