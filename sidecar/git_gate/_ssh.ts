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

// git runs GIT_SSH_COMMAND through a shell, so every path in it is held to plain characters.
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
 * The URL git connects to and the environment that makes it use our ssh settings.
 *
 * @param repo The repo.
 * @param files Its key and known_hosts files.
 * @returns The URL and the variables to add to git's environment.
 * @throws {Error} When a path is not plain enough to pass through a shell.
 */
export function upstreamSsh(
  repo: GateRepo,
  files: SshFiles,
): { url: string; env: Record<string, string> } {
  for (const path of [files.keyFile, files.knownHostsFile]) {
    if (!PLAIN_PATH.test(path)) throw new Error(`unsafe path for ssh: ${JSON.stringify(path)}`);
  }
  const pinned = Object.hasOwn(repo.extra_hosts, repo.host)
    ? repo.extra_hosts[repo.host]
    : undefined;
  const address = pinned ?? repo.host;
  const host = isIP(address) === 6 ? `[${address}]` : address;
  const command = [
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
  ].join(" ");
  return {
    url: `ssh://${repo.user}@${host}:${repo.port}/${repo.path}`,
    env: { GIT_SSH_COMMAND: command, GIT_SSH_VARIANT: "ssh" },
  };
}
