/**
 * A real SSH git server on a world's test internet, for the git gate's upstream (SPEC §6.2): sshd
 * with public-key auth only, user `git` (login shell git-shell) and bare repos under /srv/git, plus
 * a plain client container that can push to it directly (no gate) for baselines. The server's host
 * key is generated when its container starts, so every upstream has its own and a test can pin it.
 *
 * sshd runs under a small supervisor loop instead of as the container's main process: stop() and
 * start() take only sshd down and up, so the container keeps its address (a bottle may pin it with
 * `extra_hosts`), its host key and its repos.
 */
import { join } from "node:path";
import {
  containerIp,
  docker,
  dockerOk,
  runProgram,
  type RunResult,
  TEST_LABEL,
} from "./_docker.ts";
import type { World } from "./world.ts";

/** A running SSH git upstream; dispose it (or its world) to remove it. */
export interface SshUpstream extends AsyncDisposable {
  /** The server container's name. */
  readonly container: string;
  /** Its DNS alias on the world's network. */
  readonly host: string;
  /** Its address on the world's network. */
  readonly ip: string;
  /** The server's real host key, `ssh-ed25519 <base64>` (what a manifest's `host_key` pins). */
  readonly hostKey: string;
  /** A valid ed25519 key line that is not the server's (for wrong-host-key tests). */
  readonly otherHostKey: string;
  /** Host path (mode 0600) of a private key authorized for user `git`. */
  readonly clientKeyPath: string;
  /** @returns `ssh://git@<host>/srv/git/<repo>.git`. */
  url(repo: string): string;
  /** Create the bare repo `<repo>.git`; `seed` gives it one commit (a README) on `main`. */
  createRepo(repo: string, options?: { seed?: boolean }): Promise<void>;
  /** @returns Every ref of the repo and the object it points at, read on the server. */
  refs(repo: string): Promise<Record<string, string>>;
  /** Run `git <args>` in the bare repo on the server, as user `git`. */
  git(repo: string, args: readonly string[]): Promise<RunResult>;
  /** Take sshd down (connections are refused); the container, keys and repos stay. */
  stop(): Promise<void>;
  /** Bring sshd back up after {@link SshUpstream.stop}. */
  start(): Promise<void>;
  /**
   * Run a command (e.g. `git clone <url>`) in the client container, which has the client key, a
   * git identity and a known_hosts pinning {@link SshUpstream.hostKey} (or `options.hostKey`).
   */
  directClient(
    args: readonly string[],
    options?: { stdin?: string; cwd?: string; hostKey?: string; timeoutMs?: number },
  ): Promise<RunResult>;
}

/** The alias the upstream gets when none is given. */
export const SSH_UPSTREAM_HOST = "git.example.test";

const REPO_NAME = /^[A-Za-z0-9._-]+$/;
const ALIAS = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;
const ED25519_LINE = /^ssh-ed25519 [A-Za-z0-9+/]+={0,2}$/;
const SSHD_CONFIG = "/etc/ssh/upstream_sshd_config";
const DOWN_FLAG = "/run/upstream-sshd.down";
const SSHD_PID = "/run/upstream-sshd.pid";
const KNOWN_HOSTS_VAR = "SSH_UPSTREAM_KNOWN_HOSTS";

// Runs once per container ($1 = the authorized public key). The loop restarts sshd unless the
// down flag is set; sshd -e logs to stderr, i.e. to `docker logs`.
const SERVER_SCRIPT = `set -euo pipefail
useradd --create-home --home-dir /home/git --shell /usr/bin/git-shell --password '*' git
install -d -m 0700 -o git -g git /home/git/.ssh
printf '%s\\n' "$1" >/home/git/.ssh/authorized_keys
chown git:git /home/git/.ssh/authorized_keys
chmod 0600 /home/git/.ssh/authorized_keys
install -d -m 0755 -o git -g git /srv/git
install -d -m 0755 /run/sshd
ssh-keygen -q -t ed25519 -N '' -C '' -f /etc/ssh/ssh_host_ed25519_key
printf '%s\\n' 'Port 22' 'HostKey /etc/ssh/ssh_host_ed25519_key' 'PidFile none' \\
  'AuthenticationMethods publickey' 'PubkeyAuthentication yes' 'PasswordAuthentication no' \\
  'KbdInteractiveAuthentication no' 'PermitRootLogin no' 'AllowUsers git' 'UsePAM no' \\
  'StrictModes yes' 'AuthorizedKeysFile .ssh/authorized_keys' 'LogLevel VERBOSE' >${SSHD_CONFIG}
/usr/sbin/sshd -t -f ${SSHD_CONFIG}
while :; do
  if [ -e ${DOWN_FLAG} ]; then sleep 0.1; continue; fi
  /usr/sbin/sshd -D -e -f ${SSHD_CONFIG} &
  echo $! >${SSHD_PID}
  wait $! || true
done`;

// As user git ($1 = repo name, $2 = "seed" or ""): HEAD of the bare repo names main.
const CREATE_SCRIPT = `set -euo pipefail
repo="/srv/git/$1.git"
git init -q --bare --initial-branch=main "$repo"
[ "$2" = seed ] || exit 0
work="$(mktemp -d)"
git -C "$work" init -q --initial-branch=main
printf '# %s\\n' "$1" >"$work/README.md"
git -C "$work" add README.md
git -C "$work" -c user.name=upstream -c user.email=upstream@example.test commit -q -m "Initial commit"
git -C "$work" push -q "$repo" main
rm -rf "$work"`;

const CLIENT_GITCONFIG = [
  "[user]",
  "\tname = direct-client",
  "\temail = direct-client@example.test",
  "[init]",
  "\tdefaultBranch = main",
  "",
].join("\n");

const CLIENT_SSH_CONFIG = [
  "Host *",
  "  User git",
  "  IdentityFile /root/.ssh/id_ed25519",
  "  IdentitiesOnly yes",
  `  UserKnownHostsFile \${${KNOWN_HOSTS_VAR}}`,
  "  GlobalKnownHostsFile /dev/null",
  "  StrictHostKeyChecking yes",
  "  BatchMode yes",
  "  ConnectTimeout 5",
  "",
].join("\n");

/**
 * Start an SSH git upstream and its direct client on the world's network. Both containers carry
 * `bot-bottle-test=1` and the world's label, and the key dir lives in the world's dir, so the
 * world's disposal removes them too when a test fails before disposing the upstream.
 *
 * @param world The world whose test internet the server joins.
 * @param options `alias`: its DNS name there (default {@link SSH_UPSTREAM_HOST}).
 * @returns The running upstream; dispose it with `await using`.
 * @throws {Error} When the alias is not a DNS name, or docker, ssh-keygen or sshd fails.
 */
export async function startSshUpstream(
  world: World,
  options: { alias?: string } = {},
): Promise<SshUpstream> {
  const host = options.alias ?? SSH_UPSTREAM_HOST;
  if (!ALIAS.test(host)) throw new Error(`Cannot start SSH upstream "${host}": not a DNS name`);
  const image = world.cliEnv.BOT_BOTTLE_AGENT_BASE_IMAGE;
  if (image === undefined) throw new Error("world has no BOT_BOTTLE_AGENT_BASE_IMAGE");
  const container = `bb-e2e-${world.id}-ssh-${host}`;
  const client = `${container}-client`;
  const dir = await Deno.makeTempDir({ dir: world.dir, prefix: "ssh-upstream-" });
  try {
    const clientKeyPath = join(dir, "client_ed25519");
    const otherKeyPath = join(dir, "other_host_ed25519");
    await keygen(clientKeyPath);
    await keygen(otherKeyPath);
    const labels = ["--label", TEST_LABEL, "--label", `bot-bottle-test.world=${world.id}`];
    const run = ["run", "--detach", "--init", ...labels, "--network", world.network];
    const publicKey = keyLine(await Deno.readTextFile(`${clientKeyPath}.pub`));
    await dockerOk([
      ...run,
      "--name",
      container,
      "--network-alias",
      host,
      image,
      "bash",
      "-c",
      SERVER_SCRIPT,
      "bash",
      publicKey,
    ]);
    await dockerOk([...run, "--name", client, image, "sleep", "infinity"]);
    await waitForSshd(container, true);
    const hostKey = keyLine(
      await dockerOk(["exec", container, "cat", "/etc/ssh/ssh_host_ed25519_key.pub"]),
    );
    await writeIn(client, "/root/.ssh/id_ed25519", await Deno.readTextFile(clientKeyPath));
    await writeIn(client, "/root/.ssh/config", CLIENT_SSH_CONFIG);
    await writeIn(client, "/root/.ssh/known_hosts", `${host} ${hostKey}\n`);
    await writeIn(client, "/root/.gitconfig", CLIENT_GITCONFIG);
    return new Upstream({
      container,
      client,
      dir,
      host,
      ip: await containerIp(container, world.network),
      hostKey,
      otherHostKey: keyLine(await Deno.readTextFile(`${otherKeyPath}.pub`)),
      clientKeyPath,
    });
  } catch (err) {
    await removeUpstream([container, client], dir).catch(() => {});
    throw err;
  }
}

class Upstream implements SshUpstream {
  readonly container: string;
  readonly host: string;
  readonly ip: string;
  readonly hostKey: string;
  readonly otherHostKey: string;
  readonly clientKeyPath: string;
  readonly #client: string;
  readonly #dir: string;
  #closed = false;

  constructor(parts: {
    container: string;
    client: string;
    dir: string;
    host: string;
    ip: string;
    hostKey: string;
    otherHostKey: string;
    clientKeyPath: string;
  }) {
    this.container = parts.container;
    this.host = parts.host;
    this.ip = parts.ip;
    this.hostKey = parts.hostKey;
    this.otherHostKey = parts.otherHostKey;
    this.clientKeyPath = parts.clientKeyPath;
    this.#client = parts.client;
    this.#dir = parts.dir;
  }

  url(repo: string): string {
    return `ssh://git@${this.host}${repoPath(repo)}`;
  }

  async createRepo(repo: string, options: { seed?: boolean } = {}): Promise<void> {
    repoPath(repo);
    const result = await docker([
      "exec",
      "-u",
      "git",
      this.container,
      "bash",
      "-c",
      CREATE_SCRIPT,
      "bash",
      repo,
      options.seed === true ? "seed" : "",
    ]);
    if (result.code !== 0) {
      throw new Error(`Cannot create repo "${repo}" on ${this.host}: ${result.stderr.trim()}`);
    }
  }

  async refs(repo: string): Promise<Record<string, string>> {
    const result = await this.git(repo, ["for-each-ref", "--format=%(refname) %(objectname)"]);
    if (result.code !== 0) {
      throw new Error(`Cannot read refs of "${repo}" on ${this.host}: ${result.stderr.trim()}`);
    }
    return Object.fromEntries(
      result.stdout.split("\n").filter((line) => line !== "").map((line) => line.split(" ")),
    );
  }

  git(repo: string, args: readonly string[]): Promise<RunResult> {
    return docker(["exec", "-u", "git", this.container, "git", "-C", repoPath(repo), ...args]);
  }

  async stop(): Promise<void> {
    await dockerOk([
      "exec",
      this.container,
      "bash",
      "-c",
      `touch ${DOWN_FLAG} && kill "$(cat ${SSHD_PID})"`,
    ]);
    await waitForSshd(this.container, false);
  }

  async start(): Promise<void> {
    await dockerOk(["exec", this.container, "rm", "-f", DOWN_FLAG]);
    await waitForSshd(this.container, true);
  }

  async directClient(
    args: readonly string[],
    options: { stdin?: string; cwd?: string; hostKey?: string; timeoutMs?: number } = {},
  ): Promise<RunResult> {
    const knownHosts = options.hostKey === undefined
      ? "/root/.ssh/known_hosts"
      : `/root/.ssh/known_hosts.${crypto.randomUUID()}`;
    if (options.hostKey !== undefined) {
      await writeIn(this.#client, knownHosts, `${this.host} ${options.hostKey}\n`);
    }
    return docker([
      "exec",
      ...(options.stdin === undefined ? [] : ["-i"]),
      ...(options.cwd === undefined ? [] : ["-w", options.cwd]),
      "-e",
      `${KNOWN_HOSTS_VAR}=${knownHosts}`,
      this.#client,
      ...args,
    ], {
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
  }

  /** Remove both containers and the key dir; safe to call twice. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await removeUpstream([this.container, this.#client], this.#dir);
  }
}

function repoPath(repo: string): string {
  if (!REPO_NAME.test(repo)) {
    throw new Error(`Cannot use repo "${repo}" on the SSH upstream: name must match ${REPO_NAME}`);
  }
  return `/srv/git/${repo}.git`;
}

/** The first two fields of an OpenSSH public key line (the comment dropped). */
function keyLine(text: string): string {
  const line = text.trim().split(/\s+/).slice(0, 2).join(" ");
  if (!ED25519_LINE.test(line)) throw new Error(`not an ed25519 public key: ${text.trim()}`);
  return line;
}

async function keygen(path: string): Promise<void> {
  const result = await runProgram("ssh-keygen", [
    "-q",
    "-t",
    "ed25519",
    "-N",
    "",
    "-C",
    "",
    "-f",
    path,
  ]);
  if (result.code !== 0) throw new Error(`ssh-keygen failed: ${result.stderr.trim()}`);
  await Deno.chmod(path, 0o600);
}

/** Write a file (mode 0600, parent dirs created) inside a container, the text through stdin. */
async function writeIn(container: string, path: string, text: string): Promise<void> {
  const script = 'umask 077 && mkdir -p "$(dirname "$1")" && cat >"$1"';
  const result = await docker(["exec", "-i", container, "sh", "-c", script, "sh", path], {
    stdin: text,
  });
  if (result.code !== 0) throw new Error(`cannot write ${path} in ${container}: ${result.stderr}`);
}

/** Poll until sshd accepts (or refuses) connections on port 22 inside the container. */
async function waitForSshd(container: string, up: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const probe = await docker(["exec", container, "nc", "-z", "-w", "1", "127.0.0.1", "22"]);
    if ((probe.code === 0) === up) return;
    const state = await dockerOk(["inspect", "--format", "{{ .State.Status }}", container]);
    if (state !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const logs = await docker(["logs", "--tail", "30", container]);
  throw new Error(
    `sshd in ${container} did not come ${up ? "up" : "down"}:\n${logs.stdout}${logs.stderr}`,
  );
}

async function removeUpstream(containers: readonly string[], dir: string): Promise<void> {
  await docker(["rm", "--force", "--volumes", ...containers]);
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const left = await dockerOk([
    "ps",
    "--all",
    "--quiet",
    ...containers.flatMap((name) => [
      "--filter",
      `name=^/${name}$`,
    ]),
  ]);
  if (left !== "") throw new Error(`cannot remove SSH upstream containers ${containers.join(" ")}`);
}
