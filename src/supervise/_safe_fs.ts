/**
 * Writes that never follow a symlink. The sidecar can write into the bottle's queue and egress
 * directories, so anything the host writes there could have been swapped for a link to a host
 * file; each write checks with `lstat` first. Whole files are replaced atomically (a rename never
 * follows a link, and a rename over a FIFO never waits on it).
 */
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
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
 * Replace an existing regular file (mode 0600) atomically: a temp file beside it, renamed over
 * it. A write that fails (a full disk) leaves the previous content, never half a file; the
 * sidecar sees the new file at once because its mount is the directory, not the file (SPEC §12).
 *
 * @param path The existing file.
 * @param text The new content.
 * @param what What the file is, for messages.
 * @throws {Error} When the file is missing, a symlink or not regular, or cannot be written.
 */
export async function replaceFile(path: string, text: string, what: string): Promise<void> {
  if (await lstatRegular(path, what) === undefined) {
    throw new Error(`${what} ${path} does not exist`);
  }
  await writeFileAtomic(path, text, { mode: 0o600 });
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
  await lstatRegular(path, what);
  await writeFileAtomic(path, text, { mode: 0o600 });
}
