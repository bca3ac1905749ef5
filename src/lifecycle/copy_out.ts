/**
 * `bot-bottle cp <slug>:<path> <host-dir>`: copy a file or folder out of a running bottle, on the
 * operator's request (the agent never writes to the host). The bottle's `tar` packs it; the host
 * unpacks it with {@link untar}, which treats the archive as hostile: nothing lands outside
 * `<host-dir>`, nothing is written through a symlink. It is unpacked into a fresh folder inside
 * `<host-dir>` first and moved into place only when whole, so a refused copy changes nothing.
 */
import { join, posix } from "node:path";
import { UsageError } from "../../core/errors/mod.ts";
import { AGENT_WORKSPACE } from "../../core/sidecar_contract/mod.ts";
import { type BackendRegistry, findActive, scanActive } from "./listing/mod.ts";
import { untar } from "./_untar.ts";
import { execWatched } from "./_watched_exec.ts";

/** The most a copy may make the host store: the bottle chooses what it sends. */
const COPY_LIMITS = { maxBytes: 8 * 1024 ** 3, maxEntries: 1_000_000 };

/** What was copied. */
export interface CopiedOut {
  /** The new host path. */
  path: string;
  /** Entries skipped (hard links, devices), by name. */
  skipped: string[];
}

/**
 * Copy `path` (relative to the agent's workspace, or absolute) out of a bottle into `hostDir`.
 *
 * @param slug The bottle.
 * @param path The path inside the bottle.
 * @param hostDir An existing host folder; the copy is `<hostDir>/<basename of path>`.
 * @param options The backends; how often to check the agent container (milliseconds).
 * @returns Where it landed.
 * @throws {UsageError} For a bad path, a missing folder, an existing target, or a failed tar.
 * @throws {UnsafeArchiveError} For an archive entry that breaks the rules (nothing is kept).
 * @throws {NotFoundError} When the bottle is not running.
 */
export async function copyOut(
  slug: string,
  path: string,
  hostDir: string,
  options: { registry: BackendRegistry; checkMs?: number },
): Promise<CopiedOut> {
  const inside = posix.isAbsolute(path) ? posix.normalize(path) : posix.join(AGENT_WORKSPACE, path);
  const name = posix.basename(inside);
  if (name === "" || name === "." || name === ".." || inside === "/") {
    throw new UsageError(`cp: "${path}" names no file or folder to copy`);
  }
  const info = await Deno.stat(hostDir).catch(() => undefined);
  if (info?.isDirectory !== true) throw new UsageError(`cp: ${hostDir} is not a folder`);
  const root = await Deno.realPath(hostDir);
  const target = join(root, name);
  if (await Deno.lstat(target).then(() => true, () => false)) {
    throw new UsageError(`cp: ${target} already exists; remove it or copy into another folder`);
  }
  const { backend } = findActive(await scanActive(options.registry), slug);
  const staging = await Deno.makeTempDir({ dir: root, prefix: ".bot-bottle-cp-" });
  try {
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    const pack = ["tar", "--create", "--file=-", "--directory", posix.dirname(inside), "--", name];
    let lost = false;
    const [packed, unpacked] = await Promise.all([
      execWatched(backend, slug, pack, {
        tty: false,
        capture: true,
        stdout: pipe.writable,
        ...(options.checkMs === undefined ? {} : { checkMs: options.checkMs }),
        onLost: () => lost = true,
      }),
      // A stream cut because the agent went is that, not a bad archive.
      untar(pipe.readable, staging, COPY_LIMITS).catch((err: unknown) => {
        if (lost) return undefined;
        throw err;
      }),
    ]);
    if (lost || unpacked === undefined) {
      throw new UsageError(`cp: the agent container of ${slug} stopped during the copy`);
    }
    if (packed.code !== 0) {
      throw new UsageError(
        `cp: cannot read ${inside} in ${slug}: ${printable(packed.stderr.trim())}`,
      );
    }
    const made = join(staging, name);
    if (!await Deno.lstat(made).then(() => true, () => false)) {
      throw new UsageError(`cp: ${inside} in ${slug} came back empty`);
    }
    await Deno.rename(made, target);
    return { path: target, skipped: unpacked.skipped };
  } finally {
    await Deno.remove(staging, { recursive: true });
  }
}

/** Characters a terminal acts on or hides: C0 and C1 controls (tab and newline kept), formats. */
// deno-lint-ignore no-control-regex -- control characters are what is escaped
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\p{Cf}/gu;

/** Text from inside a bottle, safe for a terminal: control characters shown as escapes. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
