/**
 * How the gate talks to an upstream: SSH with the repo's own key, the pinned host key and nothing
 * else (no agent, no user config, no trust on first use), failing fast when the upstream is away.
 */
import { isIP } from "node:net";
import type { GateRepo } from "../../core/git_gate/mod.ts";

/** The SSH settings every upstream connection uses (SPEC §6.2). */
const SSH_OPTIONS = [
  "BatchMode=yes",
  "ConnectTimeout=10",
  "StrictHostKeyChecking=yes",
  "GlobalKnownHostsFile=/dev/null",
  "CheckHostIP=no",
  "UpdateHostKeys=no",
  "IdentitiesOnly=yes",
  "IdentityAgent=none",
  "PasswordAuthentication=no",
  "KbdInteractiveAuthentication=no",
  "ServerAliveInterval=15",
  "ServerAliveCountMax=4",
] as const;

const PLAIN_PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * The name the pinned key is filed under: the same whatever address `extra_hosts` points the
 * connection at, and never shared between two repos.
 *
 * @param repo The repo.
 * @returns The alias.
 */
export function hostKeyAlias(repo: GateRepo): string {
  return `bot-bottle-gate-${repo.name}`;
}

/**
 * The known_hosts line pinning the repo's host key.
 *
 * @param repo The repo.
 * @returns One line, newline-terminated.
 */
export function knownHostsLine(repo: GateRepo): string {
  return `${hostKeyAlias(repo)} ${repo.host_key}\n`;
}

/** Where a repo's key and pinned host key are inside the sidecar. */
export interface SshFiles {
  /** The private key file. */
  keyFile: string;
  /** A known_hosts file holding {@link knownHostsLine}. */
  knownHostsFile: string;
}

/**
 * The ssh argv, without the destination, that every upstream connection uses.
 *
 * @param repo The repo.
 * @param files Its key and known_hosts files.
 * @returns `ssh` and its options.
 * @throws {Error} When a path is not plain enough to pass through a shell.
 */
export function sshArgv(repo: GateRepo, files: SshFiles): string[] {
  for (const path of [files.keyFile, files.knownHostsFile]) assertPlainPath(path);
  return [
    "ssh",
    "-F",
    "/dev/null",
    "-i",
    files.keyFile,
    "-o",
    `UserKnownHostsFile=${files.knownHostsFile}`,
    "-o",
    `HostKeyAlias=${hostKeyAlias(repo)}`,
    ...SSH_OPTIONS.flatMap((option) => ["-o", option]),
  ];
}

/**
 * Refuse a path git's shell would split or expand (git runs GIT_SSH_COMMAND through a shell).
 *
 * @param path The path.
 * @throws {Error} When it holds anything but plain characters.
 */
export function assertPlainPath(path: string): void {
  if (!PLAIN_PATH.test(path)) throw new Error(`unsafe path for ssh: ${JSON.stringify(path)}`);
}

/**
 * The address ssh connects to: the `extra_hosts` pin of the repo's host, else the host.
 *
 * @param repo The repo.
 * @returns A host name or an IP address (IPv6 without brackets).
 */
export function upstreamAddress(repo: GateRepo): string {
  const pinned = Object.hasOwn(repo.extra_hosts, repo.host)
    ? repo.extra_hosts[repo.host]
    : undefined;
  return pinned ?? repo.host;
}

/**
 * The URL git connects to and the environment that makes it use our ssh settings.
 *
 * @param repo The repo.
 * @param files Its key and known_hosts files.
 * @param extra More ssh arguments (plain words), e.g. a shared connection's control path.
 * @returns The URL and the variables to add to git's environment.
 * @throws {Error} When a path is not plain enough to pass through a shell.
 */
export function upstreamSsh(
  repo: GateRepo,
  files: SshFiles,
  extra: readonly string[] = [],
): { url: string; env: Record<string, string> } {
  const address = upstreamAddress(repo);
  const host = isIP(address) === 6 ? `[${address}]` : address;
  return {
    url: `ssh://${repo.user}@${host}:${repo.port}/${repo.path}`,
    env: { GIT_SSH_COMMAND: [...sshArgv(repo, files), ...extra].join(" "), GIT_SSH_VARIANT: "ssh" },
  };
}
