/** The memory backend's plan for a bottle, as data: the commands its engine would record. */
import type {
  AgentSpec,
  BackendName,
  BottleRef,
  ContainerSpec,
  LaunchSpec,
  PreparedBottle,
  SidecarSpec,
} from "../types.ts";
import { memoryNames } from "./_world.ts";

/**
 * The command a network creation records.
 *
 * @param bottle The bottle.
 * @param name The network.
 * @returns The argv.
 */
export function networkArgv(bottle: BottleRef, name: string): string[] {
  return ["memory", "network", "create", `--label=bot-bottle.slug=${bottle.slug}`, name];
}

/**
 * The command a container start records: its settings, mounts, caps and (for the agent) the
 * runtime asked for; secrets by name only.
 *
 * @param bottle The bottle.
 * @param name The container.
 * @param spec The container's spec.
 * @returns The argv.
 */
export function containerArgv(
  bottle: BottleRef,
  name: string,
  spec: ContainerSpec | AgentSpec | SidecarSpec,
): string[] {
  return [
    "memory",
    "run",
    `--label=bot-bottle.slug=${bottle.slug}`,
    ...Object.entries(spec.env).map(([key, value]) => `--env=${key}=${value}`),
    ...spec.secretEnv.map((key) => `--env=${key}`),
    ...spec.mounts.map((m) => `--mount=${m.source}:${m.target}${m.readonly ? ":ro" : ""}`),
    `--memory=${spec.limits.memory}`,
    `--cpus=${spec.limits.cpus}`,
    `--pids-limit=${spec.limits.pids}`,
    ...("publishOn" in spec && spec.publishOn !== undefined ? [`--publish=${spec.publishOn}`] : []),
    ...("runtime" in spec ? [`--runtime=${spec.runtime}`] : []),
    name,
    spec.image,
  ];
}

/**
 * The steps a launch records for a spec.
 *
 * @param backend The backend's name.
 * @param spec The launch, with placeholders.
 * @returns The steps.
 */
export function prepare(backend: BackendName, spec: LaunchSpec): PreparedBottle {
  const names = memoryNames(spec.bottle.slug);
  return {
    backend,
    steps: [
      { title: "create the internal network", argv: networkArgv(spec.bottle, names.internal) },
      ...(spec.networks.egressNetwork === undefined
        ? [{ title: "create the egress network", argv: networkArgv(spec.bottle, names.egress) }]
        : []),
      {
        title: "start the sidecar",
        argv: containerArgv(spec.bottle, names.sidecar, spec.sidecar),
      },
      { title: "start the agent", argv: containerArgv(spec.bottle, names.agent, spec.agent) },
      { title: "run the agent command", argv: ["memory", "exec", names.agent, ...spec.command] },
    ],
  };
}
