/**
 * One decision at a time per bottle. Two operators (two terminals, the UI and a script) can
 * approve at once; without a lock both could check the live routes against the proposal's hash,
 * then each write its own file, the second undoing the first; or both could apply and answer the
 * same proposal. The lock is a `flock` on a file in the bottle's state directory, which only the
 * host can write.
 */
import { join } from "node:path";
import type { HomePaths } from "../paths/mod.ts";
import { assertRealDir } from "./_safe_fs.ts";

/**
 * Hold the bottle's decision lock until the handle is disposed.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns A handle that releases the lock.
 * @throws {Error} When the state directory is missing, a symlink or not a directory.
 */
export async function holdDecisionLock(paths: HomePaths, slug: string): Promise<AsyncDisposable> {
  const dir = paths.stateDir(slug);
  await assertRealDir(dir, "bottle state directory");
  const file = await Deno.open(join(dir, ".supervise.lock"), {
    create: true,
    write: true,
    mode: 0o600,
  });
  try {
    await file.lock(true);
  } catch (err) {
    file.close();
    throw err;
  }
  return {
    async [Symbol.asyncDispose]() {
      await file.unlock().catch(() => {});
      file.close();
    },
  };
}
