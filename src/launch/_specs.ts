/**
 * What a bottle's containers run, as the backend contract's specs, built from the plan and the
 * sidecar contract. The launch and `--dry-run` both call these, so the dry run shows exactly what
 * a launch asks of its backend.
 */
import {
  AGENT_MOUNTS,
  agentEnvironment,
  SIDECAR_ENV,
  SIDECAR_MOUNTS,
  SIDECAR_SYSCTLS,
  sidecarEnvironment,
} from "../../core/sidecar_contract/mod.ts";
import type { AgentSpec, LaunchSpec, Mount, NetworkSpec, SidecarSpec } from "../../backends/mod.ts";
import type { BottlePlan, LaunchSecrets } from "../plan/mod.ts";
import { SIDECAR_ETC_FILES } from "../sidecar_files/mod.ts";

/** What only the launch learns, shown as placeholders by a dry run. */
export const PLACEHOLDERS = Object.freeze({
  agentImage: "<agent-image>",
  sidecarImage: "<sidecar-image>",
  internalSubnet: "<internal-subnet>",
  user: "<host-uid>:<host-gid>",
});

/**
 * The bottle's networks.
 *
 * @param plan The plan.
 * @returns The network spec.
 */
export function networkSpec(plan: BottlePlan): NetworkSpec {
  return plan.egressNetwork === undefined ? {} : { egressNetwork: plan.egressNetwork };
}

/**
 * The sidecar: the contract's environment, the state directories mounted where the contract says
 * (read-only but for the queue and the mirrors), the egress token slots and the canary as secrets.
 *
 * @param plan The plan.
 * @param options The image, the internal subnet and the host user it runs as (`uid:gid`).
 * @returns The sidecar spec.
 */
export function sidecarSpec(
  plan: BottlePlan,
  options: { image: string; internalSubnet: string; user: string },
): SidecarSpec {
  const gate = plan.daemons.includes("git-gate");
  const etc = plan.paths.sidecarEtc;
  const mounts: Mount[] = [
    // Read-only: the sidecar never changes its own routes or CA. The host replaces the routes
    // file inside this directory (a rename, which the directory mount shows at once).
    { source: plan.paths.egress, target: SIDECAR_MOUNTS.egress, readonly: true },
    { source: plan.paths.queue, target: SIDECAR_MOUNTS.queue, readonly: false },
    // The host uid needs a name: OpenSSH's client refuses to run for a uid without one.
    {
      source: `${etc}/${SIDECAR_ETC_FILES.passwd}`,
      target: SIDECAR_MOUNTS.passwd,
      readonly: true,
      file: true,
    },
    {
      source: `${etc}/${SIDECAR_ETC_FILES.group}`,
      target: SIDECAR_MOUNTS.group,
      readonly: true,
      file: true,
    },
  ];
  if (gate) {
    // Keys and repos.json are read-only for the same reason as the egress directory.
    mounts.push(
      { source: plan.paths.gitGate, target: SIDECAR_MOUNTS.gitGate, readonly: true },
      { source: plan.paths.gitMirrors, target: SIDECAR_MOUNTS.gitMirrors, readonly: false },
    );
  }
  return {
    image: options.image,
    env: sidecarEnvironment({
      daemons: plan.daemons,
      slug: plan.slug,
      listenSubnet: options.internalSubnet,
      upstreamCa: plan.upstreamCaFile !== undefined,
      connectTo: plan.connectTo,
      timeouts: plan.operatorTimeouts,
    }),
    secretEnv: [
      SIDECAR_ENV.canary.name,
      ...plan.tokenSlots.map((s) => s.slot),
      ...plan.knownSecretSlots.map((s) => s.slot),
    ],
    mounts,
    limits: plan.limits.sidecar,
    user: options.user,
    sysctls: SIDECAR_SYSCTLS,
  };
}

/**
 * The agent: the contract's proxy and CA environment, the bottle's env by name (values are
 * secrets of the launch), the CA certificate and the gitconfig mounted read-only, its caps and
 * the runtime it asks for.
 *
 * @param plan The plan.
 * @param image The agent image.
 * @param superviseUrl Where the backend says the agent reaches the supervise MCP server; set in
 *   the agent's environment only when the bottle runs it.
 * @returns The agent spec.
 */
export function agentSpec(plan: BottlePlan, image: string, superviseUrl: string): AgentSpec {
  const supervised = plan.daemons.includes("supervise");
  return {
    image,
    env: { ...plan.provider.env, ...agentEnvironment(supervised ? { superviseUrl } : {}) },
    secretEnv: plan.env.map((e) => e.name),
    mounts: [
      { source: plan.paths.agentCa, target: AGENT_MOUNTS.ca, readonly: true },
      { source: plan.paths.agentGit, target: AGENT_MOUNTS.git, readonly: true },
    ],
    limits: plan.limits.agent,
    runtime: plan.runtime,
  };
}

/**
 * The values of the sidecar's secret variables.
 *
 * @param plan The plan (its known-secret slots).
 * @param secrets The launch's secrets.
 * @returns Canary, token slots and known-secret slots by name.
 */
export function sidecarSecrets(plan: BottlePlan, secrets: LaunchSecrets): Record<string, string> {
  const known = plan.knownSecretSlots.map(({ slot, env }) => [slot, secrets.agentEnv[env] ?? ""]);
  return {
    [SIDECAR_ENV.canary.name]: secrets.canary,
    ...secrets.tokens,
    ...Object.fromEntries(known),
  };
}

/**
 * The whole launch as data, for `--dry-run` (`Backend.prepare`): what only the launch learns is
 * a placeholder.
 *
 * @param plan The plan.
 * @param superviseUrl The backend's supervise URL for this bottle.
 * @returns The launch spec.
 */
export function launchSpec(plan: BottlePlan, superviseUrl: string): LaunchSpec {
  const agentImage = plan.image.kind === "committed" ? plan.image.ref : PLACEHOLDERS.agentImage;
  return {
    bottle: { slug: plan.slug, label: plan.label, agent: plan.agent },
    networks: networkSpec(plan),
    sidecar: sidecarSpec(plan, {
      image: PLACEHOLDERS.sidecarImage,
      internalSubnet: PLACEHOLDERS.internalSubnet,
      user: PLACEHOLDERS.user,
    }),
    agent: agentSpec(plan, agentImage, superviseUrl),
    command: plan.command,
  };
}
