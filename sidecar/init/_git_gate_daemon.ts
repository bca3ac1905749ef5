/**
 * The git-gate daemon inside the sidecar (SPEC §6.2), and the pre-receive hook process its
 * mirrors start (`sidecar/main.ts --git-hook`). The daemon gets the canary (a push carrying it is
 * refused) but never the egress tokens; it runs only git (ssh is git's child), listens only on the
 * bottle's internal network, and keeps its hooks, known_hosts files and git's HOME in a private
 * temporary folder.
 */
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/errors/mod.ts";
import {
  type Environment,
  type HostPort,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
  SIDECAR_FILES,
  type Subnet,
} from "../../core/sidecar_contract/mod.ts";
import { type GateRepo, parseGateConfig } from "../../core/git_gate/mod.ts";
import type { GateDirs } from "../git_gate/mod.ts";
import type { DaemonIo } from "./_daemon_io.ts";
import { listenAddress } from "./_listen_subnet.ts";
import { type DaemonPermissions, permissionFlags } from "./_permissions.ts";
import { processSignals } from "./_signals.ts";
import { serveUntilStopped } from "./_until_stopped.ts";

/** The gate's module, loaded by the processes that serve or hook (the init never evaluates it). */
type Gate = typeof import("../git_gate/mod.ts");

function loadGate(): Promise<Gate> {
  return import("../git_gate/mod.ts");
}

/** The git-gate daemon's settings, read from the environment (`core/sidecar_contract`). */
export interface GitGateConfig {
  /** `BOT_BOTTLE_GIT_GATE_CONFIG_DIR` (default `/state/git-gate`): repos.json and keys. */
  configDir: string;
  /** `BOT_BOTTLE_GIT_GATE_MIRROR_DIR` (default `/git`): the bare mirrors. */
  mirrorDir: string;
  /** Where the private folder is made (`TMPDIR`, default `/tmp`). */
  tmpDir: string;
  /** `BOT_BOTTLE_GIT_GATE_LISTEN` (default `0.0.0.0:9420`). */
  listen: HostPort;
  /** `BOT_BOTTLE_GIT_GATE_LISTEN_SUBNET`: listen on this container's address in that subnet. */
  listenSubnet?: Subnet;
  /** `BOT_BOTTLE_QUEUE_DIR` with `BOT_BOTTLE_SLUG`: where `gitleaks-allow` proposals go. */
  queue?: { dir: string; bottleSlug: string };
  /** `SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS` (default 300), in milliseconds. */
  allowTimeoutMs: number;
  /** `BOT_BOTTLE_GIT_GATE_TIMEOUT_SECONDS` (default 600): each git child, in milliseconds. */
  timeoutMs: number;
}

/** The variables the git gate reads that the common allowlist does not carry. */
export const GIT_GATE_ENV_NAMES: readonly string[] = Object.freeze([
  SIDECAR_ENV.canary.name,
  SIDECAR_ENV.gitleaksAllowTimeout.name,
  "TMPDIR",
]);

/**
 * Read the git-gate daemon's settings.
 *
 * @param env The daemon's (or the init process's) environment.
 * @returns The settings, defaults applied.
 * @throws {ConfigError} For a relative path, a malformed listen address, subnet, slug or timeout.
 */
export function gitGateConfig(env: Environment): GitGateConfig {
  const queueDir = readSetting(env, SIDECAR_ENV.queueDir);
  const slug = readSetting(env, SIDECAR_ENV.slug);
  const subnet = readSetting(env, SIDECAR_ENV.gitGateListenSubnet);
  const tmpDir = env.TMPDIR === undefined || env.TMPDIR === "" ? "/tmp" : env.TMPDIR;
  if (!isAbsolute(tmpDir)) throw new ConfigError(`TMPDIR "${tmpDir}" is not an absolute path`);
  return {
    configDir: settingOrDefault(env, SIDECAR_ENV.gitGateConfigDir),
    mirrorDir: settingOrDefault(env, SIDECAR_ENV.gitGateMirrorDir),
    tmpDir,
    listen: settingOrDefault(env, SIDECAR_ENV.gitGateListen),
    ...(subnet === undefined ? {} : { listenSubnet: subnet }),
    ...(queueDir === undefined || slug === undefined
      ? {}
      : { queue: { dir: queueDir, bottleSlug: slug } }),
    allowTimeoutMs: settingOrDefault(env, SIDECAR_ENV.gitleaksAllowTimeout) * 1000,
    timeoutMs: settingOrDefault(env, SIDECAR_ENV.gitGateTimeout) * 1000,
  };
}

/**
 * What the git-gate daemon may do: listen, read its config, write its mirrors, its private
 * folder and the queue, and run git.
 *
 * @param config Its settings.
 * @returns Its permissions.
 */
export function gitGatePermissions(config: GitGateConfig): DaemonPermissions {
  const queue = config.queue === undefined ? [] : [config.queue.dir];
  return {
    read: [config.configDir, config.mirrorDir, config.tmpDir, ...queue],
    write: [config.mirrorDir, config.tmpDir, ...queue],
    net: true,
    env: true,
    sys: config.listenSubnet === undefined ? [] : ["networkInterfaces"],
    // timeout: each backend runs in a process group `timeout` leads, so it stops as a whole.
    run: ["git", "timeout"],
  };
}

/**
 * Serve the gate until SIGTERM or SIGINT.
 *
 * @param env The daemon's environment.
 * @param io Log sink and signals.
 * @returns 0 after a clean shutdown.
 * @throws {ConfigError} For bad settings or an unreadable or invalid repos.json.
 */
export async function runGitGateDaemon(env: Environment, io: DaemonIo): Promise<number> {
  const config = gitGateConfig(env);
  const gate = await loadGate();
  const repos = await readRepos(config.configDir);
  const privateDir = await Deno.makeTempDir({ dir: config.tmpDir, prefix: "bot-bottle-git-gate-" });
  try {
    const dirs: GateDirs = { configDir: config.configDir, mirrorDir: config.mirrorDir, privateDir };
    const gitEnv = await prepareGate(gate, repos, { env, config, dirs });
    return await serveUntilStopped(io, () =>
      gate.startGateServer({
        repos,
        dirs,
        env: gitEnv,
        fetchTimeoutMs: config.timeoutMs,
        uploadTimeoutMs: config.timeoutMs,
        pushTimeoutMs: config.allowTimeoutMs + 3 * config.timeoutMs,
        listen: listenAddress(
          config.listen,
          config.listenSubnet,
          SIDECAR_ENV.gitGateListenSubnet,
        ),
        log: io.log,
      }));
  } finally {
    await Deno.remove(privateDir, { recursive: true }).catch(() => {});
  }
}

/** Write the hook, make the mirrors and prove git runs the hook; returns git's environment. */
async function prepareGate(
  gate: Gate,
  repos: readonly GateRepo[],
  options: { env: Environment; config: GitGateConfig; dirs: GateDirs },
): Promise<Record<string, string>> {
  const { config, dirs } = options;
  const hooksDir = join(dirs.privateDir, "hooks");
  await Deno.mkdir(join(dirs.privateDir, "reports"), { recursive: true, mode: 0o700 });
  await gate.writeHookScript(hooksDir, hookCommand(config, dirs.privateDir));
  const gitEnv = {
    ...gate.baseGitEnv(dirs, options.env.PATH ?? "/usr/local/bin:/usr/bin:/bin"),
    ...hookEnv(gate, options.env, { config, privateDir: dirs.privateDir }),
  };
  await gate.initMirrors(repos, { dirs, env: gitEnv, hooksDir, timeoutMs: config.timeoutMs });
  for (const repo of repos) {
    try {
      await gate.probeHook(repo, { dirs, env: gitEnv, timeoutMs: config.timeoutMs });
    } catch (err) {
      throw new ConfigError(`The git gate cannot start: ${(err as Error).message}`);
    }
  }
  return gitEnv;
}

async function readRepos(configDir: string): Promise<GateRepo[]> {
  const path = join(configDir, SIDECAR_FILES.gateConfig);
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new ConfigError(`The git gate cannot read ${path}: ${(err as Error).message}`);
  }
  const parsed = parseGateConfig(text);
  if (parsed.config === undefined) throw new ConfigError(`${path} ${parsed.problem}`);
  return parsed.config.repos;
}

/** What the hook process reads, passed through git's environment. */
function hookEnv(
  gate: Gate,
  env: Environment,
  { config, privateDir }: { config: GitGateConfig; privateDir: string },
): Record<string, string> {
  const out: Record<string, string> = {
    [SIDECAR_ENV.gitGateConfigDir.name]: config.configDir,
    [SIDECAR_ENV.gitGateMirrorDir.name]: config.mirrorDir,
    [gate.HOOK_ENV.privateDir]: privateDir,
    [SIDECAR_ENV.gitleaksAllowTimeout.name]: String(config.allowTimeoutMs / 1000),
    [SIDECAR_ENV.gitGateTimeout.name]: String(config.timeoutMs / 1000),
    DENO_NO_UPDATE_CHECK: "1",
  };
  if (config.queue !== undefined) {
    out[SIDECAR_ENV.queueDir.name] = config.queue.dir;
    out[SIDECAR_ENV.slug.name] = config.queue.bottleSlug;
  }
  const canary = readSetting(env, SIDECAR_ENV.canary);
  if (canary !== undefined) out[SIDECAR_ENV.canary.name] = canary;
  // git's HOME is private, so the hook's Deno must be told where its cache is.
  const home = nonEmpty(env.HOME);
  const denoDir = nonEmpty(env.DENO_DIR) ??
    (home === undefined ? undefined : join(home, ".cache", "deno"));
  if (denoDir !== undefined) out.DENO_DIR = denoDir;
  return out;
}

/** The hook process's permissions: no network; git and ssh; its config, the mirrors and the queue. */
function hookPermissions(config: GitGateConfig, privateDir: string): DaemonPermissions {
  const queue = config.queue === undefined ? [] : [config.queue.dir];
  return {
    read: [config.configDir, config.mirrorDir, privateDir, ...queue],
    write: [privateDir, ...queue],
    net: false,
    env: true,
    sys: [],
    run: ["git", "ssh"],
  };
}

/** The command in the hook script: this same entry point with `--git-hook`. */
function hookCommand(config: GitGateConfig, privateDir: string): string[] {
  if (Deno.build.standalone) return [Deno.execPath(), "--git-hook"];
  const main = Deno.mainModule;
  const script = main.startsWith("file:") ? fileURLToPath(main) : main;
  // From source the import map is needed and git runs the hook inside the mirror, where no
  // deno.json would be found; the bundle needs no configuration at all.
  const configFlag = script.endsWith(".ts")
    ? `--config=${join(dirname(dirname(script)), "deno.json")}`
    : "--no-config";
  return [
    Deno.execPath(),
    "run",
    configFlag,
    ...permissionFlags(hookPermissions(config, privateDir)),
    script,
    "--git-hook",
  ];
}

/**
 * The hook process (`sidecar/main.ts --git-hook`): read the ref updates and run the pre-receive
 * checks.
 *
 * @param env The hook's environment (set by the daemon, passed on by git).
 * @param say One line to the git client.
 * @returns The hook's exit code.
 * @throws {ConfigError} When the daemon's settings are missing.
 */
export async function runGitHook(env: Environment, say: (line: string) => void): Promise<number> {
  const gate = await loadGate();
  const { HOOK_ENV } = gate;
  if (env[HOOK_ENV.probe] === "1") {
    say(gate.HOOK_PROBE_REPLY);
    return gate.HOOK_PROBE_EXIT;
  }
  const config = gitGateConfig(env);
  const privateDir = nonEmpty(env[HOOK_ENV.privateDir]);
  const repoName = nonEmpty(env[HOOK_ENV.repo]);
  const reportFile = nonEmpty(env[HOOK_ENV.report]);
  if (
    privateDir === undefined || repoName === undefined || reportFile === undefined ||
    !isAbsolute(privateDir) || !isAbsolute(reportFile)
  ) {
    throw new ConfigError("the git hook runs only from the git gate (its settings are missing)");
  }
  const stdin = await new Response(Deno.stdin.readable).text();
  const canary = readSetting(env, SIDECAR_ENV.canary);
  return await gate.runPreReceive({
    dirs: { configDir: config.configDir, mirrorDir: config.mirrorDir, privateDir },
    repoName,
    reportFile,
    ...(config.queue === undefined ? {} : { queue: config.queue }),
    ...(canary === undefined ? {} : { canary }),
    allowTimeoutMs: config.allowTimeoutMs,
    timeoutMs: config.timeoutMs,
  }, { stdin, env, gitDir: Deno.cwd(), say, onStop: processSignals(["SIGTERM"]) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
