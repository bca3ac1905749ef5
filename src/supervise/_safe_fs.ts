/**
 * Writes that never follow a symlink. The sidecar can write into the bottle's queue and egress
 * directories, so anything the host writes there could have been swapped for a link to a host
 * file; each write checks with `lstat` first. Whole files are replaced atomically (a rename never
 * follows a link), appends check that the file they opened is the one they checked.
 */
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";

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

/**
 * Append one line to a file (created 0600), refusing a symlink in its place. An append that
 * fails half-way (a full disk) is cut back off, so the file never ends in half a line.
 *
 * @param path The file.
 * @param line The line, without the newline.
 * @param what What the file is, for messages.
 * @throws {Error} When the file is a symlink, was replaced, or the line cannot be written.
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
  const size = before?.size ?? 0;
  try {
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } catch (err) {
    // A file this call created goes again; an existing one is cut back to its last whole line.
    await (before === undefined ? Deno.remove(path) : file.truncate(size)).catch(() => {});
    throw new Error(`Cannot append to ${what} ${path}: ${messageOf(err)}`, { cause: err });
  }
}
