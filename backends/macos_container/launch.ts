/**
 * The macos-container backend's launch primitives (SPEC §5): a host-only network for agent and
 * sidecar, a NAT network for the sidecar, the sidecar on both, the agent on the host-only one.
 * Every object is labelled with its bottle and reported to the launch the moment it exists, so
 * a launch that fails later removes exactly what it made.
 */
import { pickSecrets } from "../../core/engine_cli/mod.ts";
import { SIDECAR_HOST, SIDECAR_PORTS } from "../../core/sidecar_contract/mod.ts";
import type {
  AgentSpec,
  BottleNetworks,
  BottleRef,
  CreatedObject,
  LaunchStep,
  NetworkSpec,
  SidecarEndpoint,
  SidecarSpec,
} from "../types.ts";
import {
  agentRunArgs,
  egressNetworkArgs,
  internalNetworkArgs,
  shareFolders,
  sidecarRunArgs,
} from "./_argv.ts";
import { type ContainerCli, ContainerCliError } from "./_cli.ts";
import { type ContainerInfo, parseContainers, parseNetworks } from "./_inspect.ts";
import { bottleNames } from "./_names.ts";
import { requireVmRuntime } from "./_runtime.ts";

/** A sidecar whose kernel would route packets between its networks. */
export class SidecarKernelError extends Error {
  /** The setting that is wrong. */
  readonly setting: string;

  /**
   * @param setting The sysctl.
   * @param found Its value in the sidecar.
   * @param wanted The value the contract asks for.
   */
  constructor(setting: string, found: string, wanted: string) {
    super(`Cannot start the sidecar: its kernel has ${setting}=${found}, it must be ${wanted}`);
    this.name = "SidecarKernelError";
    this.setting = setting;
  }
}

/**
 * Create the host-only network and, unless an existing one is named, the NAT network.
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec The egress network to use, if not a new one.
 * @returns The host-only subnet and the egress network's name.
 * @throws {ContainerCliError} When the CLI refuses.
 */
export async function createNetworks(
  cli: ContainerCli,
  step: LaunchStep,
  spec: NetworkSpec,
): Promise<BottleNetworks> {
  const names = bottleNames(step.bottle.slug);
  await cli.run(internalNetworkArgs(step.bottle, names));
  step.created({ kind: "network", name: names.internal });
  if (spec.egressNetwork === undefined) {
    await cli.run(egressNetworkArgs(step.bottle, names));
    step.created({ kind: "network", name: names.egress });
  }
  return {
    internalSubnet: (await network(cli, names.internal)).subnet,
    egressNetwork: spec.egressNetwork ?? names.egress,
  };
}

/**
 * Run the sidecar on both networks, then check its kernel forwards nothing (the CLI has no
 * sysctl flag; a VM's kernel starts with forwarding off, and a launch that finds it on stops).
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec Image, environment, mounts, user and kernel settings.
 * @param options The networks, and the values of the spec's secret variables.
 * @returns Its address on the host-only network.
 * @throws {ContainerCliError} When the CLI refuses.
 * @throws {SidecarKernelError} When a kernel setting is not the contract's.
 */
export async function startSidecar(
  cli: ContainerCli,
  step: LaunchStep,
  spec: SidecarSpec,
  options: { networks: BottleNetworks; secrets: Readonly<Record<string, string>> },
): Promise<SidecarEndpoint> {
  const names = bottleNames(step.bottle.slug);
  await cli.run(
    sidecarRunArgs(step.bottle, spec, { names, egressNetwork: options.networks.egressNetwork }),
    { secrets: pickSecrets(options.secrets, spec.secretEnv) },
  );
  step.created({ kind: "container", name: names.sidecar });
  await copyFiles(cli, names.sidecar, shareFolders(spec.mounts).copies);
  for (const [setting, wanted] of Object.entries(spec.sysctls)) {
    const path = `/proc/sys/${setting.replaceAll(".", "/")}`;
    const found = (await cli.run(["exec", names.sidecar, "cat", path])).stdout.trim();
    if (found !== wanted) throw new SidecarKernelError(setting, found, wanted);
  }
  return { address: addressOn(await container(cli, names.sidecar), names.internal) };
}

/**
 * Run the agent (it sleeps; commands arrive through `exec`), then pin the sidecar's name in its
 * `/etc/hosts` as root (the CLI has no `--add-host`); the values travel as arguments of a fixed
 * script, never inside it.
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec Image, environment, mounts and runtime.
 * @param options The sidecar's address, and the values of the spec's secret variables.
 * @throws {ContainerCliError} When the CLI refuses.
 * @throws {ConfigError} When the spec insists on gVisor, which this backend does not run.
 */
export async function startAgent(
  cli: ContainerCli,
  step: LaunchStep,
  spec: AgentSpec,
  options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
): Promise<void> {
  requireVmRuntime(spec.runtime);
  const names = bottleNames(step.bottle.slug);
  await cli.run(agentRunArgs(step.bottle, spec, { names, sidecarIp: options.sidecar.address }), {
    secrets: pickSecrets(options.secrets, spec.secretEnv),
  });
  step.created({ kind: "container", name: names.agent });
  await cli.run([
    "exec",
    "--user",
    "0",
    names.agent,
    "sh",
    "-c",
    'printf "%s %s\\n" "$1" "$2" >> /etc/hosts',
    "sh",
    options.sidecar.address,
    SIDECAR_HOST,
  ]);
}

/**
 * Addresses known to answer from outside the bottle: the host's address on the host-only
 * network (a host-only network gives the host one, unlike docker's address-less bridge), the
 * host's address on the egress network, and the sidecar's egress-side proxy.
 *
 * @param bottle The bottle.
 * @param networks Its networks.
 * @returns `ADDR:PORT` pairs.
 * @throws {ContainerCliError} When the sidecar has no address on a network.
 */
export async function outsideAddresses(
  cli: ContainerCli,
  bottle: BottleRef,
  networks: BottleNetworks,
): Promise<string[]> {
  const names = bottleNames(bottle.slug);
  const sidecar = await container(cli, names.sidecar);
  const egress = sidecar.networks.find((n) => n.network === networks.egressNetwork);
  const internal = sidecar.networks.find((n) => n.network === names.internal);
  if (egress === undefined || internal === undefined) {
    throw new ContainerCliError(["inspect", names.sidecar], {
      code: 0,
      stderr: `the sidecar is not on both ${names.internal} and ${networks.egressNetwork}`,
    });
  }
  return [
    `${internal.gateway}:9`,
    `${egress.gateway}:9`,
    `${egress.address}:${SIDECAR_PORTS.egress}`,
  ];
}

/**
 * The sidecar's state and last log lines.
 *
 * @param slug The bottle's slug.
 * @returns Whether it runs, and what it said last.
 */
export async function sidecarStatus(
  cli: ContainerCli,
  slug: string,
): Promise<{ running: boolean; logs: string }> {
  const sidecar = bottleNames(slug).sidecar;
  const state = await cli.run(["inspect", sidecar], { allowFailure: true });
  const logs = await cli.run(["logs", "-n", "20", sidecar], { allowFailure: true });
  let running = false;
  if (state.code === 0) {
    running = parseContainers(JSON.parse(state.stdout)).some((c) => c.status === "running");
  }
  return { running, logs: (logs.stdout + logs.stderr).trim() };
}

/**
 * Remove one object a failed launch created.
 *
 * @param object The container or network.
 */
export async function remove(cli: ContainerCli, object: CreatedObject): Promise<void> {
  const args = object.kind === "container"
    ? ["delete", "--force", object.name]
    : ["network", "delete", object.name];
  await cli.run(args, { allowFailure: true });
}

/**
 * Copy staged files into place as root (the values are arguments of a fixed script).
 *
 * @param name The container.
 * @param copies `[staged path, target]` pairs.
 */
async function copyFiles(
  cli: ContainerCli,
  name: string,
  copies: readonly [string, string][],
): Promise<void> {
  if (copies.length === 0) return;
  await cli.run([
    "exec",
    "--user",
    "0",
    name,
    "sh",
    "-c",
    'while [ "$#" -gt 1 ]; do cp "$1" "$2" || exit 1; shift 2; done',
    "sh",
    ...copies.flat(),
  ]);
}

/** One container's snapshot. */
export async function container(cli: ContainerCli, name: string): Promise<ContainerInfo> {
  const [found] = parseContainers(await cli.json(["inspect", name]));
  if (found === undefined) {
    throw new ContainerCliError(["inspect", name], { code: 0, stderr: `no container ${name}` });
  }
  return found;
}

async function network(cli: ContainerCli, name: string) {
  const [found] = parseNetworks(await cli.json(["network", "inspect", name]));
  if (found === undefined) {
    throw new ContainerCliError(["network", "inspect", name], {
      code: 0,
      stderr: `no network ${name}`,
    });
  }
  return found;
}

function addressOn(info: ContainerInfo, network: string): string {
  const found = info.networks.find((n) => n.network === network)?.address ?? "";
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(found)) {
    throw new ContainerCliError(["inspect", info.id], {
      code: 0,
      stderr: `no IPv4 address on network ${network} (got "${found}")`,
    });
  }
  return found;
}
