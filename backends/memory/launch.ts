/** The memory backend's launch primitives: objects appear in its engine, commands are recorded. */
import { ConfigError } from "../../core/errors/mod.ts";
import type {
  AgentSpec,
  BottleNetworks,
  CreatedObject,
  LaunchStep,
  NetworkSpec,
  RuntimeRequest,
  SidecarEndpoint,
  SidecarSpec,
} from "../types.ts";
import { memoryNames, type MemoryWorld } from "./_world.ts";
import { containerArgv, networkArgv } from "./prepare.ts";

/** The subnet every memory bottle's internal network has. */
const MEMORY_SUBNET = "10.99.0.0/24";

/**
 * Create the internal network and, unless an existing one is named, the egress network.
 *
 * @param world The engine.
 * @param step The bottle and the launch's record.
 * @param spec The networks.
 * @returns The networks.
 */
export function createNetworks(
  world: MemoryWorld,
  step: LaunchStep,
  spec: NetworkSpec,
): BottleNetworks {
  const names = memoryNames(step.bottle.slug);
  const make = (name: string, role: string) => {
    world.commands.push(networkArgv(step.bottle, name));
    world.add({ kind: "network", name, bottle: step.bottle, role, state: "created" });
    step.created({ kind: "network", name });
  };
  make(names.internal, "internal");
  if (spec.egressNetwork === undefined) make(names.egress, "egress");
  return { internalSubnet: MEMORY_SUBNET, egressNetwork: spec.egressNetwork ?? names.egress };
}

/**
 * Start a container: refuses one whose secret variables have no value, as `-e NAME` would pass
 * an empty one.
 *
 * @param world The engine.
 * @param step The bottle and the launch's record.
 * @param role `sidecar` or `agent`.
 * @param spec The container.
 * @param options The values of its secret variables; whether the engine has gVisor; the
 *   networks it is attached to.
 * @throws {ConfigError} When an agent insists on gVisor and the engine has none.
 */
export function startContainer(
  world: MemoryWorld,
  step: LaunchStep,
  role: "sidecar" | "agent",
  spec: SidecarSpec | AgentSpec,
  options: { secrets: Readonly<Record<string, string>>; gvisor: boolean; networks: string[] },
): void {
  const { secrets, gvisor, networks } = options;
  const name = memoryNames(step.bottle.slug)[role];
  const missing = spec.secretEnv.find((key) => secrets[key] === undefined);
  if (missing !== undefined) {
    throw new TypeError(`Cannot start a container: no value for its secret variable ${missing}`);
  }
  const runtime = "runtime" in spec ? memoryRuntime(spec.runtime, gvisor).runtime : undefined;
  world.commands.push(containerArgv(step.bottle, name, spec));
  world.add({
    kind: "container",
    name,
    bottle: step.bottle,
    role,
    state: "running",
    limits: { ...spec.limits },
    networks,
    env: { ...spec.env },
    mounts: [...spec.mounts],
    ...(runtime === undefined ? {} : { runtime }),
  });
  world.secrets.set(name, Object.fromEntries(spec.secretEnv.map((key) => [key, secrets[key]!])));
  step.created({ kind: "container", name });
}

/**
 * The runtime an agent gets on the memory engine, as docker picks it: gVisor when the engine has
 * it unless opted out, refused when insisted on and absent.
 *
 * @param request What the agent asks for.
 * @param gvisor Whether the engine has gVisor.
 * @returns The runtime and its description.
 * @throws {ConfigError} When `runsc` is asked for and the engine has none.
 */
export function memoryRuntime(
  request: RuntimeRequest,
  gvisor: boolean,
): { runtime?: "runsc"; words: string } {
  if (request === "runc") return { words: "memory engine; gVisor opted out" };
  if (gvisor) return { runtime: "runsc", words: "gVisor (memory engine)" };
  if (request === "runsc") {
    throw new ConfigError(
      "BOT_BOTTLE_RUNTIME=runsc asks for gVisor, but the memory engine has none",
    );
  }
  return { words: "memory engine" };
}

/**
 * Where the agent reaches the sidecar.
 *
 * @returns The sidecar's address on the internal network.
 */
export function sidecarEndpoint(): SidecarEndpoint {
  return { address: "10.99.0.2" };
}

/**
 * The memory engine's host side: the self-test probes it like any outside address.
 *
 * @returns One address (a documentation address, never contacted).
 */
export function outsideAddresses(): string[] {
  return ["192.0.2.1:9"];
}

/**
 * Remove an object a failed launch created.
 *
 * @param world The engine.
 * @param object The object.
 */
export function remove(world: MemoryWorld, object: CreatedObject): void {
  world.commands.push(["memory", "rm", object.name]);
  world.objects.delete(object.name);
}
