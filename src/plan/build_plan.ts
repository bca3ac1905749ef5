/**
 * From a resolved agent to a bottle plan: pure and fast, so `--dry-run` and the preflight show
 * exactly what `launch` will do. Secrets stay out of the plan; {@link resolveSecrets} reads them
 * at launch.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import {
  isOwnedEnvName,
  knownSecretSlotName,
  SIDECAR_ENV,
  tokenSlotName,
} from "../../core/sidecar_contract/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import { bottlePaths, type HomePaths } from "../paths/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import { gitGatePlan } from "./_git_gate_plan.ts";
import { bottleProviderLaunch } from "./_provider_launch.ts";
import { providerCredential, providerRouteAuth, providerSetup } from "./_provider_plan.ts";
import { launchSettings } from "./_settings.ts";
import type { BottlePlan, PlannedEnv, TokenSlot } from "./_types.ts";

/** Options of {@link buildPlan}. */
export interface BuildPlanOptions {
  /** The bottle's slug (already validated and free). */
  slug: string;
  /** What `list active` shows. */
  label: string;
  /** The directory `start` runs in. */
  cwd: string;
  /** The host folder copied into the agent's workspace (absolute); none: it starts empty. */
  workspace?: string;
  /** A workspace saved when the state was kept, put back instead (`resume`). */
  workspaceArchive?: string;
  /** The bot-bottle home layout. */
  paths: HomePaths;
  /** `-- <cmd…>`, replacing the provider's default command. */
  command?: readonly string[];
  /** The host environment (settings such as base images and self-test targets). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** This start resumes a bottle: the provider continues its last conversation. */
  resume?: boolean;
  /** The bottle's `--color`, a terminal colour name (the agent's statusline shows it). */
  color?: string;
  /** A committed image to boot instead of building (`resume`). */
  committedImage?: string;
  /**
   * A Dockerfile the operator approved (`capability-block`), alone in its folder; `resume` builds
   * the agent image from it, ahead of a committed image.
   */
  approvedDockerfile?: string;
}

/**
 * Plan one bottle.
 *
 * @param agent The agent, its bottle resolved.
 * @param options Slug, label, paths, command and host settings.
 * @returns The plan.
 * @throws {NotYetAvailableError} For a provider or feature this version cannot launch yet.
 * @throws {ConfigError} For an invalid launch setting in the host environment, an env name
 *   bot-bottle owns, or a git-gate repo the gate cannot carry.
 */
export function buildPlan(agent: ResolvedAgent, options: BuildPlanOptions): BottlePlan {
  const bottle = agent.bottle;
  const provider = bottleProviderLaunch(bottle.agentProvider);
  const reserved = Object.keys(bottle.env).find(isOwnedEnvName);
  if (reserved !== undefined) {
    throw new ConfigError(
      `Cannot start bottle "${bottle.name}" (${bottle.path}): env ${reserved} is set by ` +
        "bot-bottle itself (proxy, CA, home and engine variables); remove it from env",
    );
  }
  const credential = providerCredential(agent, provider, options.hostEnv);
  const setup = providerSetup(agent, provider, {
    credential,
    label: options.label,
    ...(options.color === undefined ? {} : { color: options.color }),
    hostEnv: options.hostEnv,
  });
  const clash = Object.keys(bottle.env).find((name) => name in setup.env);
  if (clash !== undefined) {
    throw new ConfigError(
      `Cannot start bottle "${bottle.name}" (${bottle.path}): env ${clash} is set by the ` +
        `"${provider.template}" provider itself; remove it from env`,
    );
  }
  const { routes, slots } = slotTokens(
    providerRouteAuth(bottle.egress.routes, provider, credential),
  );
  const settings = launchSettings(options.hostEnv);
  const gitGate = gitGatePlan(agent);
  const env: PlannedEnv[] = [
    ...Object.entries(bottle.env).map(([name, value]) => ({ name, source: value.kind })),
    { name: SIDECAR_ENV.canary.name, source: "bot-bottle" as const },
  ];
  const command = options.command !== undefined && options.command.length > 0
    ? [...options.command]
    : provider.command({ prompt: agent.prompt.trim() !== "", resume: options.resume === true });
  if (/[,\n]/.test(options.paths.root)) {
    throw new ConfigError(
      `Cannot start bottle "${bottle.name}": the bot-bottle home "${options.paths.root}" ` +
        "contains a comma or newline, which container mount options cannot carry",
    );
  }
  const dockerfile = bottle.agentProvider.dockerfile;
  return {
    slug: options.slug,
    label: options.label,
    agent: agent.name,
    bottle: bottle.name,
    cwd: options.cwd,
    ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
    ...(options.workspaceArchive === undefined
      ? {}
      : { workspaceArchive: options.workspaceArchive }),
    workspaceMaxBytes: settings.workspaceMaxBytes,
    paths: bottlePaths(options.paths, options.slug),
    image: options.approvedDockerfile !== undefined
      ? { kind: "dockerfile", path: options.approvedDockerfile }
      : options.committedImage !== undefined
      ? { kind: "committed", ref: options.committedImage }
      : dockerfile !== undefined
      ? { kind: "dockerfile", path: dockerfile }
      : { kind: "provider", template: provider.template, dockerfile: provider.dockerfile },
    template: provider.template,
    credential,
    provider: setup,
    command,
    env,
    routes,
    logLevel: bottle.egress.log,
    tokenSlots: slots,
    knownSecretSlots: env
      .filter((e) => e.source === "host" || e.source === "prompt")
      .map((e, i) => ({ slot: knownSecretSlotName(i + 1), env: e.name })),
    daemons: [
      "egress",
      ...(bottle.supervise ? ["supervise" as const] : []),
      ...(gitGate.repos.length > 0 ? ["git-gate" as const] : []),
    ],
    gitGate,
    operatorTimeouts: settings.operatorTimeouts,
    connectTo: settings.connectTo,
    ...(settings.upstreamCaFile === undefined ? {} : { upstreamCaFile: settings.upstreamCaFile }),
    ...(settings.buildCaFile === undefined ? {} : { buildCaFile: settings.buildCaFile }),
    baseImages: settings.baseImages,
    ...(settings.egressNetwork === undefined ? {} : { egressNetwork: settings.egressNetwork }),
    selfTest: settings.selfTest,
    limits: { agent: { ...bottle.limits.agent }, sidecar: { ...bottle.limits.sidecar } },
    runtime: settings.runtime,
  };
}

/** One slot per distinct `token_ref`, so the rendered routes file names no host variable. */
function slotTokens(input: readonly Route[]): { routes: Route[]; slots: TokenSlot[] } {
  const slots: TokenSlot[] = [];
  const routes = input.map((route) => {
    if (route.auth === undefined) return route;
    const from = route.auth.token_ref;
    let slot = slots.find((s) => s.from === from);
    if (slot === undefined) {
      slot = { slot: tokenSlotName(slots.length + 1), from };
      slots.push(slot);
    }
    return { ...route, auth: { ...route.auth, token_ref: slot.slot } };
  });
  return { routes, slots };
}
