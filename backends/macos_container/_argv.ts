/**
 * The `container` argv for each object of a bottle, from the launch's specs. Shared by `prepare`
 * (which shows them) and the launch primitives (which run them), so a dry run shows exactly what
 * runs. Every flag's shape follows apple/container `docs/command-reference.md` ("container run",
 * "container network create"); the strict fake CLI in `tests/fakes/container/` checks them.
 *
 * What Apple's CLI offers differs from docker's: every container is its own lightweight VM, so
 * there is no runtime to choose and no capability or sysctl flag (the launch checks the sidecar's
 * kernel settings after start instead); CPUs are whole (`--cpus` takes an integer) and memory has
 * MiB granularity; there is no pids cap; `--add-host` does not exist (the launch pins the
 * sidecar's name in the agent's `/etc/hosts`).
 */
import { basename, dirname } from "node:path";
import type {
  AgentSpec,
  BottleRef,
  ContainerSpec,
  Mount,
  ResourceLimits,
  SidecarSpec,
} from "../types.ts";
import { agentDnsArgs, labelArgs } from "../../core/engine_cli/mod.ts";
import type { BottleNames } from "./_names.ts";

const MIB = 1024 * 1024;

/** Where a file mount's folder is shared inside the container, to be copied from. */
const STAGING = "/run/bot-bottle-files";

/**
 * Mounts as the CLI can make them. Its bind mounts are virtiofs shares of folders only
 * (apple/container `Parser.swift`: "path … is not a directory"), so a file mount becomes a
 * read-only share of its folder under {@link STAGING} plus a copy into place after start.
 *
 * @param list The mounts asked for.
 * @returns The folder mounts, and the `[staged path, target]` copies to make.
 */
export function shareFolders(
  list: readonly Mount[],
): { folders: Mount[]; copies: [string, string][] } {
  const folders = list.filter((m) => m.file !== true);
  const staged = new Map<string, string>();
  const copies: [string, string][] = [];
  for (const m of list.filter((m) => m.file === true)) {
    const parent = dirname(m.source);
    const at = staged.get(parent) ?? `${STAGING}/${staged.size}`;
    if (!staged.has(parent)) folders.push({ source: parent, target: at, readonly: true });
    staged.set(parent, at);
    copies.push([`${at}/${basename(m.source)}`, m.target]);
  }
  return { folders, copies };
}

/** `--mount type=bind,source=…,target=…[,readonly]` for each folder. */
function mounts(list: readonly Mount[]): string[] {
  return shareFolders(list).folders.flatMap((m) => [
    "--mount",
    `type=bind,source=${m.source},target=${m.target}${m.readonly ? ",readonly" : ""}`,
  ]);
}

/**
 * The caps the VM gets: whole CPUs, rounded up so a fractional cap still boots (at least one),
 * and memory in MiB, rounded down so the VM never gets more than asked.
 *
 * @param limits The caps asked for.
 * @returns The caps as the CLI can express them (pids: none, see the module doc).
 */
export function vmLimits(limits: Readonly<ResourceLimits>): { cpus: number; memoryMib: number } {
  return {
    cpus: Math.max(1, Math.ceil(limits.cpus)),
    memoryMib: Math.max(1, Math.floor(limits.memory / MIB)),
  };
}

function limitFlags(limits: Readonly<ResourceLimits>): string[] {
  const vm = vmLimits(limits);
  return ["--cpus", String(vm.cpus), "--memory", `${vm.memoryMib}M`];
}

/** Settings as `--env NAME=value`; secrets as bare `--env NAME`, read from the CLI's env. */
function environment(spec: ContainerSpec): string[] {
  return [
    ...Object.entries(spec.env).flatMap(([name, value]) => ["--env", `${name}=${value}`]),
    ...spec.secretEnv.flatMap((name) => ["--env", name]),
  ];
}

/** `container network create --internal`: a host-only network, no route out. */
export function internalNetworkArgs(bottle: BottleRef, names: BottleNames): string[] {
  return ["network", "create", "--internal", ...labelArgs(bottle, "internal"), names.internal];
}

/** `container network create` for the per-bottle NAT network (sidecar only). */
export function egressNetworkArgs(bottle: BottleRef, names: BottleNames): string[] {
  return ["network", "create", ...labelArgs(bottle, "egress"), names.egress];
}

/**
 * `container run` for the sidecar on both networks. The NAT network comes first: the CLI gives
 * a container its default route through the first `--network`, and the sidecar's way out must
 * be the NAT network, never the host-only one.
 */
export function sidecarRunArgs(
  bottle: BottleRef,
  spec: SidecarSpec,
  options: { names: BottleNames; egressNetwork: string },
): string[] {
  return [
    "run",
    "--detach",
    "--name",
    options.names.sidecar,
    ...labelArgs(bottle, "sidecar"),
    "--network",
    options.egressNetwork,
    "--network",
    options.names.internal,
    "--user",
    spec.user,
    "--tmpfs",
    "/tmp",
    ...limitFlags(spec.limits),
    ...mounts(spec.mounts),
    ...environment(spec),
    spec.image,
  ];
}

/** `container run` for the agent: host-only network only, DNS to the sidecar (answers none). */
export function agentRunArgs(
  bottle: BottleRef,
  spec: AgentSpec,
  options: { names: BottleNames; sidecarIp: string },
): string[] {
  return [
    "run",
    "--detach",
    "--name",
    options.names.agent,
    ...labelArgs(bottle, "agent"),
    "--network",
    options.names.internal,
    ...agentDnsArgs(options.sidecarIp),
    ...limitFlags(spec.limits),
    ...mounts(spec.mounts),
    ...environment(spec),
    "--entrypoint",
    "sleep",
    spec.image,
    "infinity",
  ];
}
