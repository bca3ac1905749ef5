/**
 * The on-disk layout of bot-bottle's home (SPEC §8), computed in one place.
 *
 * `BOT_BOTTLE_HOME` overrides `~/.bot-bottle`, which is how tests get a private home.
 *
 * @module
 * @example
 * ```ts
 * import { homePaths } from "./mod.ts";
 * const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb" });
 * console.assert(paths.bottles === "/tmp/bb/bottles");
 * console.assert(paths.stateDir("dev-1") === "/tmp/bb/state/dev-1");
 * ```
 */
import { isAbsolute, join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";

/**
 * What a bottle slug looks like: lower case, starts with a letter, at most 40 characters. A slug
 * names its state and queue folders (and every container, network and label: SPEC §1.7).
 */
export const SLUG_PATTERN = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;

/** The environment variables that decide where the home is. */
export interface HomeEnv {
  /** Explicit home directory; wins over `HOME`. */
  BOT_BOTTLE_HOME?: string | undefined;
  /** The user's home directory; the default root is `$HOME/.bot-bottle`. */
  HOME?: string | undefined;
}

/** Every well-known path under the bot-bottle home. */
export interface HomePaths {
  /** The home itself (`~/.bot-bottle`). */
  root: string;
  /** Trusted bottle manifests. */
  bottles: string;
  /** Home agent manifests. */
  agents: string;
  /** User provider plugins. */
  contrib: string;
  /** Per-bottle state directories. */
  state: string;
  /** Per-bottle supervise queues. */
  queue: string;
  /** Logs (crash logs, audit logs). */
  logs: string;
  /** State directory of one bottle. */
  stateDir(slug: string): string;
  /** Supervise queue directory of one bottle. */
  queueDir(slug: string): string;
}

/** Names of the folders created under the home, in creation order. */
export const HOME_SUBDIRS = ["bottles", "agents", "contrib", "state", "queue", "logs"] as const;

/**
 * Compute the home layout from the environment.
 *
 * @param env Usually `Deno.env.toObject()`; tests pass their own.
 * @returns The paths; nothing is created on disk.
 * @throws {ConfigError} When neither variable is set or `BOT_BOTTLE_HOME` is relative.
 */
export function homePaths(env: HomeEnv): HomePaths {
  const root = resolveRoot(env);
  return {
    root,
    bottles: join(root, "bottles"),
    agents: join(root, "agents"),
    contrib: join(root, "contrib"),
    state: join(root, "state"),
    queue: join(root, "queue"),
    logs: join(root, "logs"),
    stateDir: (slug) => join(root, "state", slug),
    queueDir: (slug) => join(root, "queue", slug),
  };
}

/** The host paths of one bottle's state (SPEC §8). */
export interface BottlePaths {
  /** `~/.bot-bottle/state/<slug>`. */
  state: string;
  /** `state/<slug>/egress`: routes.yaml and the CA (mounted into the sidecar only). */
  egress: string;
  /** `state/<slug>/agent`: the CA certificate alone (mounted read-only into the agent). */
  agentCa: string;
  /** `~/.bot-bottle/queue/<slug>`: operator proposals (mounted into the sidecar only). */
  queue: string;
  /** `~/.bot-bottle/cache`: build products shared by bottles (the sidecar bundle). */
  cache: string;
  /** `state/<slug>/git-gate`: `repos.json` and `keys/<name>` (mounted into the sidecar only). */
  gitGate: string;
  /** `state/<slug>/git-mirrors`: the gate's bare mirrors, kept across `resume`. */
  gitMirrors: string;
  /** `state/<slug>/agent-git`: the agent's system gitconfig (mounted read-only). */
  agentGit: string;
  /** `state/<slug>/sidecar-etc`: `passwd` and `group` naming the sidecar's host uid and gid. */
  sidecarEtc: string;
  /** `state/<slug>/workspace.tar`: the agent's workspace, saved when the state is kept. */
  workspaceArchive: string;
}

/**
 * Where one bottle's state lives on the host.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug (validated by the caller).
 * @returns Its folders.
 */
export function bottlePaths(paths: HomePaths, slug: string): BottlePaths {
  const state = paths.stateDir(slug);
  return {
    state,
    egress: join(state, "egress"),
    agentCa: join(state, "agent"),
    queue: paths.queueDir(slug),
    cache: join(paths.root, "cache"),
    gitGate: join(state, "git-gate"),
    gitMirrors: join(state, "git-mirrors"),
    agentGit: join(state, "agent-git"),
    sidecarEtc: join(state, "sidecar-etc"),
    workspaceArchive: join(state, "workspace.tar"),
  };
}

/**
 * The repo-local agents folder for a working directory.
 *
 * @param cwd The directory `bot-bottle` was started from.
 * @returns `<cwd>/.bot-bottle/agents`.
 */
export function repoAgentsDir(cwd: string): string {
  return join(cwd, ".bot-bottle", "agents");
}

function resolveRoot(env: HomeEnv): string {
  const explicit = env.BOT_BOTTLE_HOME;
  if (explicit !== undefined && explicit !== "") {
    if (!isAbsolute(explicit)) {
      throw new ConfigError(`BOT_BOTTLE_HOME must be an absolute path, got "${explicit}"`);
    }
    return explicit;
  }
  const home = env.HOME;
  if (home === undefined || home === "") {
    throw new ConfigError("Cannot find the bot-bottle home: set HOME or BOT_BOTTLE_HOME");
  }
  return join(home, ".bot-bottle");
}
