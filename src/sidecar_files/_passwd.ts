/**
 * `/etc/passwd` and `/etc/group` for the sidecar. It runs as the host user's uid:gid (so it can
 * read the 0600 files the CLI wrote), which the sidecar image does not know, and OpenSSH's client
 * refuses to run for a uid without a passwd entry ("No user exists for uid"): the git gate could
 * not reach any upstream.
 */

/** The name the host user gets inside the sidecar. */
const USER = "bot-bottle";
/** Nobody logs in to the sidecar; HOME is its writable tmpfs. */
const HOME = "/tmp";
const SHELL = "/usr/sbin/nologin";

/**
 * The sidecar's passwd and group files.
 *
 * @param uid The host user's uid.
 * @param gid The host user's gid.
 * @returns Both files' text.
 * @throws {RangeError} When an id is not a non-negative integer.
 */
export function sidecarAccounts(uid: number, gid: number): { passwd: string; group: string } {
  for (const id of [uid, gid]) {
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new RangeError(`Cannot write the sidecar's passwd: "${id}" is not a user or group id`);
    }
  }
  const passwd = [`root:x:0:0:root:${HOME}:${SHELL}`];
  if (uid !== 0) passwd.push(`${USER}:x:${uid}:${gid}:${USER}:${HOME}:${SHELL}`);
  const group = ["root:x:0:"];
  if (gid !== 0) group.push(`${USER}:x:${gid}:`);
  return { passwd: `${passwd.join("\n")}\n`, group: `${group.join("\n")}\n` };
}
