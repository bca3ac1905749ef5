/**
 * The docker backend's plan for a bottle, as data: the argv of every step, with placeholders
 * for what only the launch learns (image tags, the sidecar's address). Pure and fast.
 */
import type { BottlePlan, PreparedBottle } from "../types.ts";
import {
  agentRunArgs,
  egressNetworkArgs,
  internalNetworkArgs,
  sidecarConnectArgs,
  sidecarCreateArgs,
} from "./_argv.ts";
import { bottleNames } from "./_names.ts";

/**
 * The steps `launch` runs for a plan.
 *
 * @param plan The bottle plan.
 * @returns The steps, in order, with `<…>` placeholders.
 */
export function prepare(plan: BottlePlan): PreparedBottle {
  const names = bottleNames(plan.slug);
  const egressNetwork = plan.egressNetwork ?? names.egress;
  const agentImage = plan.image.kind === "committed" ? plan.image.ref : "<agent-image>";
  return {
    backend: "docker",
    steps: [
      {
        title: "create the internal network",
        argv: ["docker", ...internalNetworkArgs(plan, names)],
      },
      ...(plan.egressNetwork === undefined
        ? [{
          title: "create the egress network",
          argv: ["docker", ...egressNetworkArgs(plan, names)],
        }]
        : []),
      {
        title: "create the sidecar on the internal network",
        argv: [
          "docker",
          ...sidecarCreateArgs(plan, names, {
            image: "<sidecar-image>",
            internalSubnet: "<internal-subnet>",
            user: "<host-uid>:<host-gid>",
          }),
        ],
      },
      {
        title: "attach the sidecar to the egress network",
        argv: ["docker", ...sidecarConnectArgs(names, egressNetwork)],
      },
      { title: "start the sidecar", argv: ["docker", "start", names.sidecar] },
      {
        title: "start the agent",
        argv: [
          "docker",
          ...agentRunArgs(plan, names, { image: agentImage, sidecarIp: "<sidecar-ip>" }),
        ],
      },
      {
        title: "run the agent command",
        argv: ["docker", "exec", "--interactive", "--user", "agent", names.agent, ...plan.command],
      },
    ],
  };
}
