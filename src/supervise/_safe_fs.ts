/**
 * Writes that never follow a symlink or wait on a FIFO. The sidecar can write into the bottle's
 * queue and egress directories, so anything the host writes there could have been swapped for a
 * link to a host file; each write checks with `lstat` first and, for in-place writes, that the
 * file it opened is the one it checked.
 */
import { constants, promises as fs } from "node:fs";
import { lstatRegular } from "../../core/regular_file/mod.ts";

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
  // O_NONBLOCK: a FIFO swapped in after the check fails the open (or is refused below) instead of
  // blocking until a reader comes.
  let file: fs.FileHandle;
  try {
    file = await fs.open(path, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (err) {
    throw new Error(`${what} ${path} was replaced while being written; refusing`, { cause: err });
  }
  try {
    const opened = await file.stat();
    if (!opened.isFile() || opened.ino !== before.ino || opened.dev !== before.dev) {
      throw new Error(`${what} ${path} was replaced while being written; refusing`);
    }
    await file.truncate(0);
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) {
      written += (await file.write(bytes, written, bytes.length - written, written)).bytesWritten;
    }
  } finally {
    await file.close();
  }
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
