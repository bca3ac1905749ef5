/**
 * The gate's bare mirrors, one per declared repo under the mirror directory. A mirror holds what
 * the upstream had at the last refresh plus nothing else: fetches refresh it first (and fail when
 * the upstream cannot be reached, so no stale data is served) and pushes reach it only after the
 * pre-receive hook forwarded them upstream.
 */
import { HOOK_ENV } from "./_hook_env.ts";
import { SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import { join } from "node:path";
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { runGit } from "./_git.ts";
import { knownHostsLine, type SshFiles, upstreamSsh } from "./_ssh.ts";

/** The largest pack one push may send (git size syntax). */
const MAX_PUSH_SIZE = "2g";
/** The largest request body: a pack of {@link MAX_PUSH_SIZE} plus its ref update commands. */
export const MAX_REQUEST_BYTES = 2 * 1024 ** 3 + (1 << 20);

/** Where a gate keeps its files. */
export interface GateDirs {
  /** The read-only config directory (`repos.json`, `keys/<name>`). */
  configDir: string;
  /** The writable mirror directory (`<name>.git` bare repos). */
  mirrorDir: string;
  /** A private writable directory (hooks, known_hosts files, git's HOME). */
  privateDir: string;
}

/**
 * The environment every git child of the gate starts from: no system or user config of the
 * image, no prompts, no pager, a private HOME.
 *
 * @param dirs The gate's directories.
 * @param path The PATH to search for git and ssh.
 * @returns The variables.
 */
export function baseGitEnv(dirs: GateDirs, path: string): Record<string, string> {
  return {
    PATH: path,
    HOME: join(dirs.privateDir, "home"),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_TERMINAL_PROMPT: "0",
    GIT_PAGER: "cat",
    LC_ALL: "C",
  };
}

/**
 * A repo's key and pinned host key files.
 *
 * @param dirs The gate's directories.
 * @param repo The repo.
 * @returns Their paths.
 */
export function sshFiles(dirs: GateDirs, repo: GateRepo): SshFiles {
  return {
    keyFile: join(dirs.configDir, SIDECAR_FILES.gateKeys, repo.name),
    knownHostsFile: join(dirs.privateDir, "known_hosts", repo.name),
  };
}

/**
 * Where request bodies wait for the git backend: beside the mirrors, on the same disk (not the
 * sidecar's memory-backed /tmp). No repo is served from it: repo names never start with a dot.
 *
 * @param dirs The gate's directories.
 * @returns Its path.
 */
export function spoolPath(dirs: GateDirs): string {
  return join(dirs.mirrorDir, ".spool");
}

/**
 * A repo's bare mirror.
 *
 * @param dirs The gate's directories.
 * @param repo The repo.
 * @returns Its path.
 */
export function mirrorPath(dirs: GateDirs, repo: GateRepo): string {
  return join(dirs.mirrorDir, `${repo.name}.git`);
}

/**
 * Create (or reuse, after `resume`) each mirror and write the files its git children need.
 *
 * @param repos The declared repos.
 * @param options Directories, environment, the hooks folder and timeout.
 */
export async function initMirrors(
  repos: readonly GateRepo[],
  options: { dirs: GateDirs; env: Record<string, string>; hooksDir: string; timeoutMs: number },
): Promise<void> {
  const { dirs } = options;
  await Deno.mkdir(join(dirs.privateDir, "home"), { recursive: true, mode: 0o700 });
  await Deno.mkdir(join(dirs.privateDir, "known_hosts"), { recursive: true, mode: 0o700 });
  for (const repo of repos) {
    await Deno.writeTextFile(sshFiles(dirs, repo).knownHostsFile, knownHostsLine(repo), {
      mode: 0o600,
    });
    const gitDir = mirrorPath(dirs, repo);
    const git = (args: string[]) =>
      runGit(["--git-dir", gitDir, ...args], { env: options.env, timeoutMs: options.timeoutMs });
    await runGit(["init", "--quiet", "--bare", gitDir], {
      env: options.env,
      timeoutMs: options.timeoutMs,
    });
    for (
      const [key, value] of [
        ["http.receivepack", "true"],
        ["http.uploadpack", "true"],
        ["http.getanyfile", "false"],
        ["receive.advertisePushOptions", "true"],
        ["receive.fsckObjects", "true"],
        ["core.hooksPath", options.hooksDir],
        ["core.logAllRefUpdates", "false"],
        ["gc.auto", "0"],
        // Keep pushed and fetched packs as packs: forwarding then reuses their compressed
        // objects instead of recompressing loose ones (a 50 MB push went 3.7× slower without).
        ["receive.unpackLimit", "1"],
        // A push lands on the host's disk (the mirror folder) before the hook sees it.
        ["receive.maxInputSize", MAX_PUSH_SIZE],
        ["fetch.unpackLimit", "1"],
      ]
    ) await git(["config", key ?? "", value ?? ""]);
  }
}

/**
 * Bring a mirror up to date with its upstream: branches and tags, deleted ones pruned. When the
 * mirror's HEAD names no branch yet (a new mirror, or the upstream renamed its default), point it
 * at the upstream's.
 *
 * @param repo The repo.
 * @param options Directories, environment and timeout.
 * @throws {GitCommandError} When the upstream cannot be reached or refuses (the caller fails the
 *   request: no stale data).
 */
export async function refreshMirror(
  repo: GateRepo,
  options: { dirs: GateDirs; env: Record<string, string>; timeoutMs: number },
): Promise<void> {
  const ssh = upstreamSsh(repo, sshFiles(options.dirs, repo));
  const gitDir = mirrorPath(options.dirs, repo);
  const run = { env: { ...options.env, ...ssh.env }, timeoutMs: options.timeoutMs };
  await runGit([
    "--git-dir",
    gitDir,
    "fetch",
    "--quiet",
    "--prune",
    "--no-write-fetch-head",
    ssh.url,
    "+refs/heads/*:refs/heads/*",
    "+refs/tags/*:refs/tags/*",
  ], run);
  const head = await runGit(["--git-dir", gitDir, "rev-parse", "--verify", "--quiet", "HEAD"], {
    ...run,
    allowFailure: true,
  });
  if (head.code === 0) return;
  const remote = await runGit(["--git-dir", gitDir, "ls-remote", "--symref", ssh.url, "HEAD"], run);
  const branch = /^ref: (refs\/heads\/[^\s]+)\tHEAD$/m.exec(remote.stdout)?.[1];
  if (branch !== undefined) {
    await runGit(["--git-dir", gitDir, "symbolic-ref", "HEAD", branch], run);
  }
}

/** What the hook prints when started with {@link HOOK_ENV}`.probe` set to 1. */
export const HOOK_PROBE_REPLY = "git gate hook ready";
/** Its exit code then: non-zero, so that a probe can never be what accepts a push. */
export const HOOK_PROBE_EXIT = 3;

/**
 * Make git run the mirror's pre-receive hook once, as a probe. git silently skips a hook it
 * cannot execute (a `noexec` mount, a lost mode bit) and would then take pushes unscanned and
 * unforwarded; the gate refuses to start instead.
 *
 * @param repo The repo.
 * @param options Directories, environment and timeout.
 * @throws {Error} When the hook did not run and answer.
 */
export async function probeHook(
  repo: GateRepo,
  options: { dirs: GateDirs; env: Record<string, string>; timeoutMs: number },
): Promise<void> {
  const result = await runGit(
    ["--git-dir", mirrorPath(options.dirs, repo), "hook", "run", "pre-receive"],
    {
      env: { ...options.env, [HOOK_ENV.probe]: "1" },
      timeoutMs: options.timeoutMs,
      allowFailure: true,
    },
  );
  if (result.code !== HOOK_PROBE_EXIT || !result.stderr.includes(HOOK_PROBE_REPLY)) {
    throw new Error(
      `the pre-receive hook of ${repo.name} does not run, so pushes would go unscanned: ` +
        (result.stderr.trim().split("\n").join(" / ") || `exit ${result.code}`),
    );
  }
}
