/**
 * The docker argv for each object of a bottle, from the launch's specs. Shared by `prepare`
 * (which shows them, with placeholders for what only the launch learns) and the launch
 * primitives (which run them), so a dry run shows exactly what runs. Settings travel as
 * `--env NAME=value`, secrets only as bare `--env NAME` (docker reads the value from its own
 * environment). How docker enforces isolation is decided here and nowhere else.
 */
import { SIDECAR_DNS_PORT, SIDECAR_HOST, SIDECAR_PORTS } from "../../core/sidecar_contract/mod.ts";
import type {
  AgentSpec,
  BottleRef,
  ContainerSpec,
  EngineDialect,
  Mount,
  ResourceLimits,
  SidecarSpec,
} from "../types.ts";
import { DOCKER_DIALECT } from "./_dialect.ts";
import { agentDnsArgs, labelArgs } from "../../core/engine_cli/mod.ts";
import type { BottleNames } from "./_names.ts";

function mounts(list: readonly Mount[]): string[] {
  return list.flatMap((m) => [
    "--mount",
    `type=bind,source=${m.source},target=${m.target}${m.readonly ? ",readonly" : ""}`,
  ]);
}

/** The CFS period `--cpu-quota` counts in (Docker's default, 100 ms). */
const CPU_PERIOD_US = 100_000;

/**
 * Host tasks gVisor itself needs under the pids cap: with the ptrace platform its sentry, gofer
 * and stub processes count about 220 tasks before the agent runs anything (measured with
 * `docker stats` on an idle sandbox), so the cap the agent's processes get stays near the one
 * the manifest names.
 */
export const GVISOR_PIDS_OVERHEAD = 256;

/**
 * The caps as docker flags. Swap is capped at the memory cap, so memory means memory. CPUs go as
 * a CFS quota rather than `--cpus`, which docker refuses above the host's CPU count: a manifest
 * written on a larger machine still starts here, its cap simply not biting.
 */
function limitFlags(limits: Readonly<ResourceLimits>, extraPids = 0): string[] {
  return [
    "--memory",
    `${limits.memory}b`,
    "--memory-swap",
    `${limits.memory}b`,
    "--cpu-period",
    String(CPU_PERIOD_US),
    "--cpu-quota",
    String(Math.round(limits.cpus * CPU_PERIOD_US)),
    "--pids-limit",
    String(limits.pids + extraPids),
  ];
}

function environment(spec: ContainerSpec): string[] {
  return [
    ...Object.entries(spec.env).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
    ...spec.secretEnv.flatMap((name) => ["--env", name]),
  ];
}

/**
 * An internal network's own addresses: the engine hands out only `ipRange`, so `sidecarIp` is
 * the sidecar's before it starts.
 */
export interface PinnedSubnet {
  /** The network's subnet, e.g. `169.254.23.0/24`. */
  subnet: string;
  /** Its gateway (no host holds it: see `internalNetworkFlags`). */
  gateway: string;
  /** Where the engine picks addresses (the agent's). */
  ipRange: string;
  /** The sidecar's address, outside `ipRange`. */
  sidecarIp: string;
}

/**
 * `docker network create` for the internal network: no bridge address, so no host, no route.
 * With a pinned subnet, the engine hands out addresses from its range only.
 */
export function internalNetworkArgs(
  bottle: BottleRef,
  names: BottleNames,
  dialect: EngineDialect = DOCKER_DIALECT,
  pinned?: PinnedSubnet,
): string[] {
  return [
    "network",
    "create",
    "--internal",
    // Without an address on the host side of the bridge the agent cannot reach host services.
    ...dialect.internalNetworkFlags,
    ...(pinned === undefined ? [] : [
      "--subnet",
      pinned.subnet,
      "--gateway",
      pinned.gateway,
      "--ip-range",
      pinned.ipRange,
    ]),
    ...labelArgs(bottle, "internal"),
    names.internal,
  ];
}

/** `docker network create` for the per-bottle egress network (sidecar only). */
export function egressNetworkArgs(bottle: BottleRef, names: BottleNames): string[] {
  return ["network", "create", ...labelArgs(bottle, "egress"), names.egress];
}

/**
 * `docker create` for the sidecar on the internal network, under its pinned name. It starts
 * only after the egress network is connected too; its daemons listen on the internal network's
 * address alone (the spec's environment says so), so the host and the egress network never reach
 * a port that injects tokens. `ip` is its address there when the network's subnet is pinned.
 */
export function sidecarCreateArgs(
  bottle: BottleRef,
  spec: SidecarSpec,
  names: BottleNames,
  options: { dialect?: EngineDialect; ip?: string } = {},
): string[] {
  return [
    "create",
    "--name",
    names.sidecar,
    ...labelArgs(bottle, "sidecar"),
    ...(options.dialect ?? DOCKER_DIALECT).containerFlags,
    "--network",
    names.internal,
    ...(options.ip === undefined ? [] : ["--ip", options.ip]),
    "--network-alias",
    SIDECAR_HOST,
    "--user",
    spec.user,
    "--read-only",
    // exec: the git gate's pre-receive hook lives here, and git skips a hook it cannot execute.
    "--tmpfs",
    "/tmp:rw,exec,nosuid,nodev",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    ...limitFlags(spec.limits),
    ...publishFlags(spec.publishOn),
    ...Object.entries(spec.sysctls).flatMap(([key, value]) => ["--sysctl", `${key}=${value}`]),
    // Egress, a non-root user without capabilities, answers DNS on 53 (the port the agent's
    // resolver asks): no lower port needs to open. Docker opens all of them by default; podman
    // none.
    "--sysctl",
    `net.ipv4.ip_unprivileged_port_start=${SIDECAR_DNS_PORT}`,
    ...mounts(spec.mounts),
    ...environment(spec),
    spec.image,
  ];
}

/** Every daemon's port on one host address (never all of them: `0.0.0.0` is not asked for). */
function publishFlags(address: string | undefined): string[] {
  if (address === undefined) return [];
  return Object.values(SIDECAR_PORTS).flatMap((
    port,
  ) => ["--publish", `${address}:${port}:${port}`]);
}

/** `docker network connect` giving the (not yet started) sidecar its egress network. */
export function sidecarConnectArgs(names: BottleNames, egressNetwork: string): string[] {
  return ["network", "connect", egressNetwork, names.sidecar];
}

/** `docker run` for the agent: internal network only, DNS to the sidecar, which answers none. */
export function agentRunArgs(
  bottle: BottleRef,
  spec: AgentSpec,
  options: { names: BottleNames; sidecarIp: string; runtime?: string; dialect?: EngineDialect },
): string[] {
  return [
    "run",
    "--detach",
    "--init",
    "--name",
    options.names.agent,
    ...labelArgs(bottle, "agent"),
    ...(options.dialect ?? DOCKER_DIALECT).containerFlags,
    ...(options.runtime === undefined ? [] : ["--runtime", options.runtime]),
    "--network",
    options.names.internal,
    "--hostname",
    bottle.slug,
    ...agentDnsArgs(options.sidecarIp),
    "--add-host",
    `${SIDECAR_HOST}:${options.sidecarIp}`,
    "--sysctl",
    "net.ipv6.conf.all.disable_ipv6=1",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    ...limitFlags(spec.limits, options.runtime === "runsc" ? GVISOR_PIDS_OVERHEAD : 0),
    ...mounts(spec.mounts),
    ...environment(spec),
    "--entrypoint",
    "sleep",
    spec.image,
    "infinity",
  ];
}
