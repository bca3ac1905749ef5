/**
 * The upstream connection, opened while the push is scanned (issue 16): an OpenSSH control
 * master (`ssh -M -N`) does the TCP connect, key exchange, host key check and login, and opens
 * no session, so no git data goes anywhere before the scan passes. The forward's ssh then runs
 * over it (`ControlPath`, `ControlMaster=no`); when the master is not up (still connecting,
 * refused, dropped), that ssh connects on its own as it would without one. The master stays in
 * the hook's process group, so the backend's deadline ends it with the hook, and it is ended on
 * every path out of the hook.
 */
import { join } from "node:path";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { assertPlainPath, sshArgv, type SshFiles, upstreamAddress } from "./_ssh.ts";

/** How long an ended master may take to go before it is killed. */
const EXIT_GRACE_MS = 2_000;

/** Options of {@link openSshMaster}. */
export interface SshMasterOptions {
  /** A private folder to make the socket's own 0700 folder in. */
  dir: string;
  /** The environment of the ssh child (nothing else is inherited). */
  env: Readonly<Record<string, string>>;
}

/** A control master being opened or up; dispose it to end it and remove its socket. */
export interface SshMaster extends AsyncDisposable {
  /** The control socket's path (it exists only while the master is up). */
  readonly socket: string;
  /** The ssh arguments that send a connection through the master. */
  readonly clientArgs: readonly string[];
}

/**
 * The master's argv: the upstream's own ssh settings, no session, no lingering.
 *
 * @param repo The repo.
 * @param files Its key and known_hosts files.
 * @param socket The control socket's path.
 * @returns `ssh` and its arguments.
 * @throws {Error} When a path is not plain enough to pass through a shell.
 */
export function masterArgv(repo: GateRepo, files: SshFiles, socket: string): string[] {
  assertPlainPath(socket);
  return [
    ...sshArgv(repo, files),
    "-M",
    "-N",
    "-S",
    socket,
    "-o",
    "ControlPersist=no",
    "-p",
    String(repo.port),
    `${repo.user}@${upstreamAddress(repo)}`,
  ];
}

/**
 * The ssh arguments that use the master at `socket`, never becoming one.
 *
 * @param socket The control socket's path.
 * @returns Plain words for GIT_SSH_COMMAND.
 * @throws {Error} When the path is not plain enough to pass through a shell.
 */
export function clientArgs(socket: string): string[] {
  assertPlainPath(socket);
  return ["-o", `ControlPath=${socket}`, "-o", "ControlMaster=no"];
}

/**
 * Start connecting to the upstream. Resolves once the ssh child is started, not connected.
 *
 * @param repo The repo.
 * @param files Its key and known_hosts files.
 * @param options Where the socket goes and the child's environment.
 * @returns The master, to dispose on every path.
 * @throws {Error} When the socket folder cannot be made or ssh cannot start.
 */
export async function openSshMaster(
  repo: GateRepo,
  files: SshFiles,
  options: SshMasterOptions,
): Promise<SshMaster> {
  const dir = await Deno.makeTempDir({ dir: options.dir, prefix: "ssh-" });
  let child: Deno.ChildProcess;
  const socket = join(dir, "s");
  try {
    await Deno.chmod(dir, 0o700);
    const [command, ...args] = masterArgv(repo, files, socket);
    child = new Deno.Command(command!, {
      args,
      env: { ...options.env },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw err;
  }
  return {
    socket,
    clientArgs: clientArgs(socket),
    async [Symbol.asyncDispose]() {
      try {
        await endChild(child);
      } finally {
        // Never an error of the push: the forward may be done, and the daemon removes its
        // private dir, this folder included, when it stops.
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** SIGTERM (ssh unlinks its socket and closes the connection), then SIGKILL after a grace. */
async function endChild(child: Deno.ChildProcess): Promise<void> {
  const timer = setTimeout(() => signal(child, "SIGKILL"), EXIT_GRACE_MS);
  try {
    signal(child, "SIGTERM");
    await child.status;
  } finally {
    clearTimeout(timer);
  }
}

function signal(child: Deno.ChildProcess, name: Deno.Signal): void {
  try {
    child.kill(name);
  } catch {
    // Already gone: it failed to connect, or the upstream closed the connection.
  }
}
