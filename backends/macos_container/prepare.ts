/**
 * The macos-container backend's plan for a bottle, as data: the argv of every step a launch
 * runs, built by the same functions the launch primitives use. What only the launch learns
 * (image tags, the sidecar's address) arrives as `<placeholders>` in the spec. Pure and fast.
 */
import type { LaunchSpec, PreparedBottle } from "../types.ts";
import { agentRunArgs, egressNetworkArgs, internalNetworkArgs, sidecarRunArgs } from "./_argv.ts";
import { bottleNames } from "./_names.ts";

/**
 * The steps a launch runs for a spec.
 *
 * @param program The `container` CLI, as the steps name it.
 * @param spec The launch, with placeholders.
 * @returns The steps, in order.
 */
export function prepare(program: string, spec: LaunchSpec): PreparedBottle {
  const names = bottleNames(spec.bottle.slug);
  const egressNetwork = spec.networks.egressNetwork ?? names.egress;
  return {
    backend: "macos-container",
    steps: [
      {
        title: "create the host-only network",
        argv: [program, ...internalNetworkArgs(spec.bottle, names)],
      },
      ...(spec.networks.egressNetwork === undefined
        ? [{
          title: "create the NAT network",
          argv: [program, ...egressNetworkArgs(spec.bottle, names)],
        }]
        : []),
      {
        title: "start the sidecar on both networks",
        argv: [program, ...sidecarRunArgs(spec.bottle, spec.sidecar, { names, egressNetwork })],
      },
      {
        title: "start the agent on the host-only network",
        argv: [
          program,
          ...agentRunArgs(spec.bottle, spec.agent, { names, sidecarIp: "<sidecar-ip>" }),
        ],
      },
      {
        title: "run the agent command",
        argv: [program, "exec", "--interactive", "--user", "agent", names.agent, ...spec.command],
      },
    ],
  };
}
