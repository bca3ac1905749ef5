/**
 * Whole-file writes that either happen completely or not at all: the bytes go to a temp file in
 * the same directory, are flushed, and the temp file is renamed over the target. A write that
 * fails half-way (a full disk, a quota) removes its temp file and leaves the previous file, if
 * any, exactly as it was, so no reader ever sees half a routes file, proposal or metadata file.
 *
 * Renaming inside a directory is also what a bind mount of that directory shows at once; only a
 * single-file mount would keep the old inode (SPEC §12), and bot-bottle mounts directories only.
 *
 * @module
 * @example
 * ```ts
 * import { writeFileAtomic } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * await writeFileAtomic(`${dir}/routes.yaml`, "routes: []\n", { mode: 0o600 });
 * console.assert(await Deno.readTextFile(`${dir}/routes.yaml`) === "routes: []\n");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
import { basename, dirname, join } from "node:path";

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /** The file's mode (applied exactly, whatever the umask). */
  mode: number;
}

/**
 * Replace (or create) a file atomically.
 *
 * @param path The file.
 * @param data Its new content.
 * @param options Its mode.
 * @throws {Error} `Cannot write <path>: …`, saying when the disk is full; the previous file is
 *   then unchanged and no temp file is left.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions,
): Promise<void> {
  // A dot name outside every pattern a reader lists (`*.proposal.json`, `routes.yaml`).
  const temp = join(dirname(path), `.${basename(path)}.${crypto.randomUUID()}.tmp`);
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  try {
    const file = await Deno.open(temp, { write: true, createNew: true, mode: options.mode });
    try {
      await Deno.chmod(temp, options.mode);
      for (let written = 0; written < bytes.length;) {
        written += await file.write(bytes.subarray(written));
      }
      // Flushed before the rename, so a crash never leaves the new name with missing bytes.
      await file.syncData();
    } finally {
      file.close();
    }
    await Deno.rename(temp, path);
  } catch (err) {
    await Deno.remove(temp).catch(() => {});
    throw new Error(`Cannot write ${path}: ${describe(err)}`, { cause: err });
  }
}

/** What went wrong, in the words a user acts on. */
function describe(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return "no space left on its filesystem (free some space and try again); " +
      "the previous file is unchanged";
  }
  return err instanceof Error ? err.message : String(err);
}
