/**
 * The docker backend's plan for a bottle, as data: the argv of every step a launch runs, built
 * by the same functions the launch primitives use. What only the launch learns (image tags, the
 * subnet, the sidecar's address) arrives as `<placeholders>` in the spec. Pure and fast.
 */
import type { EngineDialect, LaunchSpec, PreparedBottle } from "../types.ts";
import {
  agentRunArgs,
  egressNetworkArgs,
  internalNetworkArgs,
  sidecarConnectArgs,
  sidecarCreateArgs,
} from "./_argv.ts";
import { DOCKER_DIALECT } from "./_dialect.ts";
import { bottleNames } from "./_names.ts";

/**
 * The steps a launch runs for a spec.
 *
 * @param program The docker CLI, as the steps name it.
 * @param spec The launch, with placeholders.
 * @param dialect The engine's differences from docker.
 * @returns The steps, in order.
 */
export function prepare(
  program: string,
  spec: LaunchSpec,
  dialect: EngineDialect = DOCKER_DIALECT,
): PreparedBottle {
  const names = bottleNames(spec.bottle.slug);
  const own = spec.networks.egressNetwork === undefined;
  // The launch picks a free subnet (createNetworks): shown by name only.
  const pinned = dialect.pinsSidecarAddress
    ? {
      subnet: "<internal-subnet>",
      gateway: "<internal-gateway>",
      ipRange: "<agent-range>",
      sidecarIp: "<sidecar-ip>",
    }
    : undefined;
  return {
    backend: dialect.name,
    steps: [
      {
        title: "create the internal network",
        argv: [
          program,
          ...internalNetworkArgs(spec.bottle, names, dialect, pinned),
        ],
      },
      ...(own
        ? [{
          title: "create the egress network",
          argv: [program, ...egressNetworkArgs(spec.bottle, names)],
        }]
        : []),
      {
        title: "create the sidecar on the internal network",
        argv: [
          program,
          ...sidecarCreateArgs(spec.bottle, spec.sidecar, names, {
            dialect,
            ...(pinned === undefined ? {} : { ip: pinned.sidecarIp }),
          }),
        ],
      },
      {
        title: "attach the sidecar to the egress network",
        argv: [program, ...sidecarConnectArgs(names, spec.networks.egressNetwork ?? names.egress)],
      },
      { title: "start the sidecar", argv: [program, "start", names.sidecar] },
      {
        title: "start the agent",
        argv: [
          program,
          ...agentRunArgs(spec.bottle, spec.agent, { names, sidecarIp: "<sidecar-ip>", dialect }),
        ],
      },
      {
        title: "run the agent command",
        argv: [program, "exec", "--interactive", "--user", "agent", names.agent, ...spec.command],
      },
    ],
  };
}
