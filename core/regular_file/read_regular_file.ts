/**
 * Read a file that someone less trusted can write into the folder of: a sidecar writes the
 * queue and egress directories the host reads. Opening a FIFO for reading blocks until a writer
 * comes, and a device or a huge file is read forever. So the path is `lstat`ed first (a symlink
 * or special file is refused), opened with `O_NONBLOCK` (an open never waits, even on a FIFO
 * swapped in after the check), and the opened descriptor must be the very inode the check saw.
 * `O_NOFOLLOW` alone is not enough: with granular permissions Deno resolves a symlink itself to
 * check the permission, and opens the target.
 */
import { constants, promises as fs, type Stats } from "node:fs";

/** Options of {@link readRegularFile}. */
export interface ReadRegularFileOptions {
  /** The most bytes the file may hold; a bigger file is refused, never read in part. */
  maxBytes: number;
  /** What the file is, for messages ("proposal", "live routes file"). */
  what: string;
  /** Runs between the check and the open (tests swap the file there). */
  beforeOpen?: () => Promise<void>;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW |
  constants.O_NOCTTY;

/**
 * Read a regular file as UTF-8, refusing symlinks, FIFOs, sockets, devices, directories and
 * files over a size cap, without ever blocking on what is at the path.
 *
 * @param path The file.
 * @param options The size cap and what the file is.
 * @returns Its text, or `undefined` when nothing is at the path.
 * @throws {Error} When the path is a symlink or not a regular file, or the file is over the cap
 *   (each message names the file and what it is instead).
 */
export async function readRegularFile(
  path: string,
  options: ReadRegularFileOptions,
): Promise<string | undefined> {
  const { maxBytes, what } = options;
  const seen = await checkedPath(path, what);
  if (seen === undefined) return undefined;
  if (seen.size > maxBytes) throw tooBig(path, options, seen.size);
  await options.beforeOpen?.();
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, OPEN_FLAGS);
  } catch (err) {
    throw replacedOr(err, path, what);
  }
  try {
    const info = await handle.stat();
    if (info.ino !== seen.ino || info.dev !== seen.dev || !info.isFile()) {
      throw new Error(`${what} ${path} was replaced while being read; refusing it`);
    }
    // One byte past what the check saw: a file that grew since is refused, never cut short.
    const buffer = new Uint8Array(seen.size + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > seen.size) {
      throw new Error(`${what} ${path} grew while being read; refusing it`);
    }
    return new TextDecoder().decode(buffer.subarray(0, filled));
  } finally {
    await handle.close();
  }
}

/** The lstat of a regular file at `path`, `undefined` when there is none, else a refusal. */
async function checkedPath(path: string, what: string): Promise<Stats | undefined> {
  let info: Stats;
  try {
    info = await fs.lstat(path);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return undefined;
    throw err;
  }
  if (info.isSymbolicLink()) throw new Error(`${what} ${path} is a symlink; refusing to follow it`);
  if (!info.isFile()) {
    throw new Error(`${what} ${path} is ${kindOf(info)}, not a regular file; refusing to read it`);
  }
  return info;
}

/** An open that failed after the check saw a regular file: the path changed in between. */
function replacedOr(err: unknown, path: string, what: string): unknown {
  const code = (err as { code?: unknown }).code;
  if (code !== "ENOENT" && code !== "ELOOP") return err;
  return new Error(`${what} ${path} was replaced while being read; refusing it`, { cause: err });
}

function tooBig(path: string, options: ReadRegularFileOptions, size: number): Error {
  return new Error(
    `${options.what} ${path} is ${size} bytes, over the limit of ${options.maxBytes}; ` +
      "refusing to read it",
  );
}

function kindOf(info: Stats): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  if (info.isDirectory()) return "a directory";
  return "a special file";
}
