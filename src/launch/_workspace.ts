/**
 * The agent's workspace (issue 13): the host folder `start` runs in is copied into the bottle,
 * one way, so the agent works on the project without any host folder being mounted. The copy is
 * a tar stream made by the host's `tar` and unpacked by the agent user inside the bottle, so the
 * files belong to the agent, symlinks stay symlinks (never followed on the host), and `.git`
 * comes along.
 */
import { join, relative } from "node:path";
import type { Backend } from "../../backends/mod.ts";
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import { AGENT_HOME, AGENT_WORKSPACE } from "../../core/sidecar_contract/mod.ts";
import { LaunchError } from "./launch_error.ts";

/** Stop counting once a folder is this many times over the limit: the answer is "too big". */
const COUNT_UP_TO = 4;

/**
 * The size of a folder's contents, symlinks counted as links (never followed).
 *
 * @param dir The folder.
 * @param limit The largest size allowed, in bytes.
 * @returns Its size in bytes.
 * @throws {ConfigError} When it is over the limit (with its size and how to narrow it), or cannot
 *   be read.
 */
export async function measureWorkspace(dir: string, limit: number): Promise<number> {
  let total = 0;
  const pending = [dir];
  try {
    while (pending.length > 0 && total <= COUNT_UP_TO * limit) {
      const folder = pending.pop()!;
      for await (const entry of Deno.readDir(folder)) {
        const path = join(folder, entry.name);
        const info = await Deno.lstat(path);
        total += info.size;
        if (info.isDirectory) pending.push(path);
      }
    }
  } catch (err) {
    throw new ConfigError(`Cannot copy the working directory ${dir}: ${messageOf(err)}`);
  }
  if (total > limit) {
    const size = total > COUNT_UP_TO * limit ? `more than ${mib(total)}` : mib(total);
    throw new ConfigError(
      `The working directory ${dir} holds ${size}, over the ${mib(limit)} a bottle takes ` +
        "(BOT_BOTTLE_WORKSPACE_MAX_MB): start from a narrower folder, pass --cwd DIR, or " +
        "--no-cwd to start with an empty workspace",
    );
  }
  return total;
}

/** What in a `.git/config` is a credential: an HTTP auth header, or a password in a URL. */
const GIT_CREDENTIAL = /^\s*extraheader\s*=|:\/\/[^/@\s:]+:[^/@\s]+@/im;

/**
 * Refuse a folder whose `.git/config` holds a credential (a CI checkout's `extraheader`, a
 * token in a remote URL): copied in, the agent would hold a secret egress does not know.
 *
 * @param dir The folder about to be copied.
 * @throws {ConfigError} Naming the file and what to do.
 */
export async function refuseGitCredentials(dir: string): Promise<void> {
  const config = join(dir, ".git", "config");
  const text = await Deno.readTextFile(config).catch(() => "");
  if (GIT_CREDENTIAL.test(text)) {
    throw new ConfigError(
      `${config} holds a credential (an http extraheader or a password in a remote URL), which ` +
        "the agent would get with the copy: remove it (git remote set-url, git config --unset) " +
        "and give the bottle a git-gate repo instead, or pass --no-cwd",
    );
  }
}

/**
 * Copy a host folder into the agent's workspace.
 *
 * @param backend The bottle's backend.
 * @param slug The bottle.
 * @param dir The host folder.
 * @throws {LaunchError} When the host's `tar` or the agent's fails.
 */
export async function copyWorkspace(backend: Backend, slug: string, dir: string): Promise<void> {
  await copyFolderIn(backend, slug, dir, AGENT_WORKSPACE);
}

/**
 * Copy a host folder's contents into a folder of the agent (made if missing), as the agent user.
 *
 * @param backend The bottle's backend.
 * @param slug The bottle.
 * @param dir The host folder.
 * @param target The folder in the agent.
 * @throws {LaunchError} When the host's `tar` or the agent's fails.
 */
export async function copyFolderIn(
  backend: Backend,
  slug: string,
  dir: string,
  target: string,
): Promise<void> {
  const pack = new Deno.Command("tar", {
    args: ["--create", "--file=-", `--directory=${dir}`, "."],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const [unpacked, packed, packErrors] = await Promise.all([
    unpackInAgent(backend, slug, pack.stdout, target),
    pack.status,
    new Response(pack.stderr).text(),
  ]);
  // When the agent's tar stops reading, the host's dies of a broken pipe with nothing to say:
  // then the agent's words are the cause.
  if (!packed.success && (unpacked === undefined || packErrors.trim() !== "")) {
    throw new LaunchError(
      `Cannot copy ${dir} into the bottle: tar on the host failed: ${packErrors.trim()}`,
    );
  }
  if (unpacked !== undefined) {
    throw new LaunchError(`Cannot copy ${dir} into the bottle: ${unpacked}`);
  }
}

/**
 * Put a saved workspace (see {@link saveWorkspace}) back into a resumed bottle.
 *
 * @param backend The bottle's backend.
 * @param slug The bottle.
 * @param archive The saved archive.
 * @throws {LaunchError} When the agent's `tar` fails.
 */
export async function restoreWorkspace(
  backend: Backend,
  slug: string,
  archive: string,
): Promise<void> {
  const file = await Deno.open(archive, { read: true });
  const failed = await unpackInAgent(backend, slug, file.readable, AGENT_HOME);
  if (failed !== undefined) {
    throw new LaunchError(`Cannot restore the saved workspace ${archive}: ${failed}`);
  }
}

/**
 * Save a bottle's workspace, and the provider's files (`keep`: its transcript), as an archive on
 * the host, so `resume` can put them back. The archive is the agent's own tar stream of its home,
 * stored as it is (mode 0600) and never unpacked on the host.
 *
 * @param backend The bottle's backend.
 * @param slug The bottle.
 * @param archive Where to write it.
 * @param maxBytes The most the agent may make the host store (the agent chooses the size).
 * @param keep Paths under the agent's home kept besides the workspace (missing ones are skipped).
 * @throws {Error} When the agent's `tar` fails or the archive outgrows `maxBytes` (nothing is
 *   left at `archive`).
 */
export async function saveWorkspace(
  backend: Backend,
  slug: string,
  archive: string,
  maxBytes: number,
  keep: readonly string[] = [],
): Promise<void> {
  // Written beside the archive and renamed over it only when whole: a failed save (the agent
  // can make one fail) never loses the workspace an earlier keep saved.
  const partial = `${archive}.partial`;
  const file = await Deno.open(partial, { write: true, create: true, truncate: true, mode: 0o600 });
  let written = 0;
  const capped = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      written += chunk.length;
      if (written > maxBytes) throw new Error(`it is over ${mib(maxBytes)}`);
      controller.enqueue(chunk);
    },
  });
  const pack = [
    "tar",
    "--create",
    "--file=-",
    "--directory",
    AGENT_HOME,
    "--ignore-failed-read",
    relative(AGENT_HOME, AGENT_WORKSPACE),
    ...keep,
  ];
  const [packed, stored] = await Promise.all([
    backend.exec(slug, pack, { tty: false, capture: true, stdout: capped.writable })
      .catch(async (err: unknown) => {
        await capped.writable.abort(err).catch(() => {});
        return { code: 1, stdout: "", stderr: messageOf(err) };
      }),
    capped.readable.pipeTo(file.writable).then(() => undefined, (err: unknown) => messageOf(err)),
  ]);
  if (packed.code !== 0 || stored !== undefined) {
    await Deno.remove(partial).catch(() => {});
    throw new Error(
      `Cannot save the workspace of ${slug}: ${stored ?? packed.stderr.trim()}`,
    );
  }
  await Deno.rename(partial, archive);
}

/** Unpack a tar stream into a folder of the agent as the agent user; returns why it failed. */
async function unpackInAgent(
  backend: Backend,
  slug: string,
  stream: ReadableStream<Uint8Array>,
  target: string,
): Promise<string | undefined> {
  const unpack = ["tar", "--extract", "--file=-", "--no-same-owner", "--directory", target];
  if (target !== AGENT_WORKSPACE && target !== AGENT_HOME) {
    await backend.exec(slug, ["mkdir", "-p", "--", target], { tty: false, capture: true });
  }
  const result = await backend.exec(slug, unpack, { tty: false, capture: true, stdin: stream });
  return result.code === 0
    ? undefined
    : `tar in the agent failed (exit ${result.code}): ${result.stderr.trim()}`;
}

function mib(bytes: number): string {
  return bytes >= 1024 ** 3
    ? `${(bytes / 1024 ** 3).toFixed(1)} GiB`
    : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}
