/**
 * The smolmachines backend's launch primitives (SPEC §5). The sidecar is the docker backend's,
 * with its ports published on the bottle's loopback alias; the agent is a smolvm micro-VM whose
 * only egress is that alias (the TSI allowlist), checked after start. Every object is reported
 * to the launch the moment it exists, so a failed launch removes exactly what it made.
 */
import { SIDECAR_HOST } from "../../core/sidecar_contract/mod.ts";
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
import { assertAllowlist } from "./_allowlist.ts";
import { createArgs, deleteArgs, execArgs, machineArgs, PACK_SUFFIX } from "./_argv.ts";
import type { SmolContext } from "./_context.ts";
import { loopbackAlias, MACHINE_PREFIX, machineName } from "./_names.ts";
import { removeSecretFiles, writeSecretFiles } from "./_secret_files.ts";

/**
 * Root's setup of a fresh machine, as smolvm leaves it: `/tmp` sticky and world-writable again,
 * the sidecar's name pinned to the alias (the guest resolves nothing else), and, for a machine
 * booted from a pack, the agent's home given back to the agent (packing remaps ownership to the
 * host user who packed it). Values arrive as arguments, never in the script.
 */
export const PROVISION_SCRIPT = [
  "set -eu",
  "chmod 1777 /tmp",
  'printf \'%s %s\\n\' "$1" "$2" >> /etc/hosts',
  'if [ "$3" = remap ] && id agent >/dev/null 2>&1; then chown -R agent: /home/agent; fi',
].join("\n");

/**
 * Create the sidecar's networks on its engine; its daemons listen on the egress network, where
 * the published ports deliver.
 *
 * @param ctx The backend.
 * @param step The bottle and the launch's record.
 * @param spec The networks.
 * @returns The networks, with the egress network's subnet as the one the daemons listen on.
 */
export async function createNetworks(
  ctx: SmolContext,
  step: LaunchStep,
  spec: NetworkSpec,
): Promise<BottleNetworks> {
  const networks = await ctx.sidecars.createNetworks(step, spec);
  // The machine reaches the sidecar at its loopback alias, never at a pinned internal address.
  return {
    egressNetwork: networks.egressNetwork,
    internalSubnet: await ctx.sidecars.subnet(networks.egressNetwork),
  };
}

/**
 * Start the sidecar with every daemon port published on the bottle's loopback alias.
 *
 * @param ctx The backend.
 * @param step The bottle and the launch's record.
 * @param spec The sidecar.
 * @param options Networks and secret values.
 * @returns The alias: where the machine reaches the sidecar.
 */
export async function startSidecar(
  ctx: SmolContext,
  step: LaunchStep,
  spec: SidecarSpec,
  options: { networks: BottleNetworks; secrets: Readonly<Record<string, string>> },
): Promise<SidecarEndpoint> {
  const alias = loopbackAlias(step.bottle.slug);
  await ctx.sidecars.startSidecar(step, { ...spec, publishOn: alias }, options);
  return { address: alias };
}

/**
 * Create and start the agent's machine, refuse it unless its allowlist is exactly the alias,
 * then set it up as root.
 *
 * @param ctx The backend.
 * @param step The bottle and the launch's record.
 * @param spec Image (an archive, or a committed pack), environment, mounts and caps.
 * @param options Where the sidecar is, and the agent's secret values.
 * @throws {ConfigError} When smolvm reports a wider allowlist than the alias.
 * @throws {SmolvmError} When smolvm refuses a step.
 */
export async function startAgent(
  ctx: SmolContext,
  step: LaunchStep,
  spec: AgentSpec,
  options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
): Promise<void> {
  const { slug } = step.bottle;
  const alias = options.sidecar.address;
  const secretFiles = await writeSecretFiles(ctx.runDir, slug, spec.secretEnv, options.secrets);
  await ctx.cli.run(createArgs(step.bottle, spec, { alias, secretFiles })).catch(async (err) => {
    await removeSecretFiles(ctx.runDir, slug);
    throw err;
  });
  step.created({ kind: "container", name: machineName(slug) });
  await ctx.cli.run(machineArgs("start", slug), { timeoutMs: 120_000 });
  const status = await ctx.cli.run(machineArgs("status", slug));
  assertAllowlist(machineName(slug), status.stdout, alias);
  const remap = spec.image.endsWith(PACK_SUFFIX) ? "remap" : "keep";
  await ctx.cli.run(
    execArgs(slug, ["sh", "-c", PROVISION_SCRIPT, "sh", alias, SIDECAR_HOST, remap], {
      tty: false,
      user: "root",
      interactive: false,
    }),
  );
}

/**
 * Addresses outside the bottle that answer: the sidecar engine's, and the host's own loopback.
 *
 * @param ctx The backend.
 * @param bottle The bottle.
 * @param networks Its networks.
 * @returns `ADDR:PORT` pairs the self-test must fail to reach.
 */
export async function outsideAddresses(
  ctx: SmolContext,
  bottle: BottleRef,
  networks: BottleNetworks,
): Promise<string[]> {
  return [...await ctx.sidecars.outsideAddresses(bottle, networks), "127.0.0.1:22"];
}

/**
 * Remove one object a failed launch created: a machine (with its secret files) or a docker one.
 *
 * @param ctx The backend.
 * @param object The object.
 */
export async function remove(ctx: SmolContext, object: CreatedObject): Promise<void> {
  if (object.kind !== "container" || !object.name.startsWith(MACHINE_PREFIX)) {
    return await ctx.sidecars.remove(object);
  }
  await ctx.cli.run(deleteArgs(object.name), { allowFailure: true });
  await removeSecretFiles(ctx.runDir, object.name.slice(MACHINE_PREFIX.length));
}
