/**
 * The docker backend's launch primitives (SPEC §5): networks, the sidecar, the agent, and what
 * the shared launch asks about them. Every object is labelled with its bottle and reported to
 * the launch the moment it exists, so a launch that fails later removes exactly what it made (by
 * name, not by label: another bottle on the engine may carry the same slug).
 */
import { SIDECAR_PORTS } from "../../core/sidecar_contract/mod.ts";
import { pickSecrets } from "../../core/engine_cli/mod.ts";
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
  type PinnedSubnet,
  sidecarConnectArgs,
  sidecarCreateArgs,
} from "./_argv.ts";
import { type DockerCli, DockerError } from "./_docker.ts";
import { bottleNames } from "./_names.ts";
import { pinnedSubnetCandidate, subnetTaken } from "./_pinned_subnet.ts";
import { resolveRuntime } from "./_runtime.ts";

/** How many subnets are tried before the engine's last refusal is told. */
const SUBNET_TRIES = 8;

/**
 * Create the internal network and, unless an existing one is named, the egress network. Where
 * the dialect pins the sidecar's address, the internal network gets a subnet of our choosing.
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec The egress network to use, if not a new one.
 * @param candidates Subnets to try, one per call (tests pass their own).
 * @returns The internal subnet, the egress network's name, and the sidecar's address if pinned.
 * @throws {DockerError} When docker refuses (for a taken subnet, after {@link SUBNET_TRIES}).
 */
export async function createNetworks(
  cli: DockerCli,
  step: LaunchStep,
  spec: NetworkSpec,
  candidates: () => PinnedSubnet = pinnedSubnetCandidate,
): Promise<BottleNetworks> {
  const names = bottleNames(step.bottle.slug);
  const pinned = cli.dialect.pinsSidecarAddress
    ? await createPinnedInternal(cli, step, candidates)
    : undefined;
  if (pinned === undefined) {
    await cli.run(internalNetworkArgs(step.bottle, names, cli.dialect));
    step.created({ kind: "network", name: names.internal });
  }
  if (spec.egressNetwork === undefined) {
    await cli.run(egressNetworkArgs(step.bottle, names));
    step.created({ kind: "network", name: names.egress });
  }
  return {
    internalSubnet: pinned?.subnet ?? await subnetOf(cli, names.internal),
    egressNetwork: spec.egressNetwork ?? names.egress,
    ...(pinned === undefined ? {} : { sidecarAddress: pinned.sidecarIp }),
  };
}

/** Create the internal network on a free subnet of our choosing. */
async function createPinnedInternal(
  cli: DockerCli,
  step: LaunchStep,
  candidates: () => PinnedSubnet,
): Promise<PinnedSubnet> {
  const names = bottleNames(step.bottle.slug);
  for (let tries = 1;; tries++) {
    const pinned = candidates();
    try {
      await cli.run(internalNetworkArgs(step.bottle, names, cli.dialect, pinned));
    } catch (err) {
      if (err instanceof DockerError && subnetTaken(err.stderr) && tries < SUBNET_TRIES) continue;
      throw err;
    }
    step.created({ kind: "network", name: names.internal });
    return pinned;
  }
}

/**
 * Create the sidecar on the internal network (at its pinned address, if any), connect it to the
 * egress network, start it.
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec Image, environment, mounts and user.
 * @param options The networks, and the values of the spec's secret variables.
 * @returns Its address on the internal network.
 * @throws {DockerError} When docker refuses.
 */
export async function startSidecar(
  cli: DockerCli,
  step: LaunchStep,
  spec: SidecarSpec,
  options: { networks: BottleNetworks; secrets: Readonly<Record<string, string>> },
): Promise<SidecarEndpoint> {
  const names = bottleNames(step.bottle.slug);
  const pinned = options.networks.sidecarAddress;
  await cli.run(
    sidecarCreateArgs(step.bottle, spec, names, {
      dialect: cli.dialect,
      ...(pinned === undefined ? {} : { ip: pinned }),
    }),
    { secrets: pickSecrets(options.secrets, spec.secretEnv) },
  );
  step.created({ kind: "container", name: names.sidecar });
  await cli.run(sidecarConnectArgs(names, options.networks.egressNetwork));
  await cli.run(["start", names.sidecar]);
  // A pinned address is the one docker gave it (it refuses to start the container otherwise).
  return { address: pinned ?? await addressOn(cli, names.sidecar, names.internal) };
}

/**
 * Start the agent container (it sleeps; commands arrive through `exec`).
 *
 * @param step The bottle and the launch's record of what exists.
 * @param spec Image, environment and mounts.
 * @param options The sidecar's address, and the values of the spec's secret variables.
 * @throws {DockerError} When docker refuses.
 * @throws {ConfigError} When the spec insists on gVisor and the engine does not have it.
 */
export async function startAgent(
  cli: DockerCli,
  step: LaunchStep,
  spec: AgentSpec,
  options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
): Promise<void> {
  const names = bottleNames(step.bottle.slug);
  const { runtime } = await resolveRuntime(cli, spec.runtime);
  await cli.run(
    agentRunArgs(step.bottle, spec, {
      names,
      sidecarIp: options.sidecar.address,
      dialect: cli.dialect,
      ...(runtime === undefined ? {} : { runtime }),
    }),
    { secrets: pickSecrets(options.secrets, spec.secretEnv) },
  );
  step.created({ kind: "container", name: names.agent });
}

/**
 * Addresses known to answer from outside the bottle: the egress network's gateway (the host),
 * the sidecar's own egress-side address, where its proxy must not answer, and the internal
 * network's gateway, when the engine declares one (docker declares one but, told so, gives the
 * host no address there; podman declares none for a network without DNS): were the host there,
 * it would answer.
 *
 * @param bottle The bottle.
 * @param networks Its networks.
 * @returns `ADDR:PORT` pairs.
 * @throws {DockerError} When a network has no IPv4 gateway or the sidecar no address on it.
 */
export async function outsideAddresses(
  cli: DockerCli,
  bottle: BottleRef,
  networks: BottleNetworks,
): Promise<string[]> {
  const names = bottleNames(bottle.slug);
  const [gateway, address, internalGateways] = await Promise.all([
    gatewayOf(cli, networks.egressNetwork),
    addressOn(cli, names.sidecar, networks.egressNetwork),
    gatewaysOf(cli, names.internal),
  ]);
  return [
    `${gateway}:9`,
    `${address}:${SIDECAR_PORTS.egress}`,
    ...internalGateways.map((internal) => `${internal}:9`),
  ];
}

/**
 * The sidecar's state and last log lines.
 *
 * @param slug The bottle's slug.
 * @returns Whether it runs, and what it said last.
 */
export async function sidecarStatus(
  cli: DockerCli,
  slug: string,
): Promise<{ running: boolean; logs: string }> {
  const sidecar = bottleNames(slug).sidecar;
  const state = await cli.run(["inspect", "--format", "{{.State.Status}}", sidecar], {
    allowFailure: true,
  });
  const logs = await cli.run(["logs", "--tail", "20", sidecar], { allowFailure: true });
  return {
    running: state.code === 0 && state.stdout.trim() === "running",
    logs: (logs.stdout + logs.stderr).trim(),
  };
}

/**
 * Remove one object a failed launch created.
 *
 * @param object The container or network.
 */
export async function remove(cli: DockerCli, object: CreatedObject): Promise<void> {
  const args = object.kind === "container"
    ? ["rm", "--force", "--volumes", object.name]
    : ["network", "rm", object.name];
  await cli.run(args, { allowFailure: true });
}

/**
 * The subnet of a network.
 *
 * @param network The network.
 * @returns Its first IPAM subnet.
 * @throws {DockerError} When the network does not exist.
 */
export async function subnetOf(cli: DockerCli, network: string): Promise<string> {
  const { stdout } = await cli.run([
    "network",
    "inspect",
    "--format",
    cli.dialect.formats.subnet,
    network,
  ]);
  return stdout.trim();
}

async function gatewaysOf(cli: DockerCli, network: string): Promise<string[]> {
  const { stdout } = await cli.run([
    "network",
    "inspect",
    "--format",
    cli.dialect.formats.gateways,
    network,
  ]);
  return stdout.trim() === "" ? [] : [ipv4(
    cli,
    stdout,
    ["network", "inspect", network],
    `network ${network} has a gateway that is not one IPv4 address`,
  )];
}

async function gatewayOf(cli: DockerCli, network: string): Promise<string> {
  const [gateway] = await gatewaysOf(cli, network);
  if (gateway === undefined) {
    const stderr = `network ${network} has no IPv4 gateway`;
    throw new DockerError(["network", "inspect", network], { code: 0, stderr }, cli.dialect.name);
  }
  return gateway;
}

async function addressOn(cli: DockerCli, container: string, network: string): Promise<string> {
  const { stdout } = await cli.run([
    "inspect",
    "--format",
    `{{ (index .NetworkSettings.Networks "${network}").IPAddress }}`,
    container,
  ]);
  return ipv4(cli, stdout, ["inspect", container], `no IPv4 address on network ${network}`);
}

function ipv4(cli: DockerCli, text: string, args: string[], problem: string): string {
  const ip = text.trim();
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    throw new DockerError(args, { code: 0, stderr: `${problem} (got "${ip}")` }, cli.dialect.name);
  }
  return ip;
}
