/**
 * The smolmachines backend's plan for a bottle, as data: the sidecar engine's steps up to the
 * sidecar's start (with its ports published on the bottle's alias), then the machine's steps,
 * built by the same functions the launch primitives use. Pure and fast.
 */
import { join } from "node:path";
import { SIDECAR_HOST } from "../../core/sidecar_contract/mod.ts";
import type { LaunchSpec, PreparedBottle } from "../types.ts";
import { createArgs, execArgs, machineArgs } from "./_argv.ts";
import type { SmolContext } from "./_context.ts";
import { loopbackAlias } from "./_names.ts";
import { secretsDir } from "./_secret_files.ts";
import { PROVISION_SCRIPT } from "./launch.ts";

/**
 * The steps a launch runs for a spec.
 *
 * @param ctx The backend (its CLI as the steps name it; the sidecar engine's steps are its own).
 * @param spec The launch, with placeholders.
 * @returns The steps, in order.
 */
export function prepare(ctx: SmolContext, spec: LaunchSpec): PreparedBottle {
  const alias = loopbackAlias(spec.bottle.slug);
  const dir = secretsDir(ctx.runDir, spec.bottle.slug);
  const secretFiles = Object.fromEntries(spec.agent.secretEnv.map((n) => [n, join(dir, n)]));
  const docker = ctx.sidecars.prepare({ ...spec, sidecar: { ...spec.sidecar, publishOn: alias } });
  // Its steps up to the agent's: the agent is a machine here.
  const agentAt = docker.steps.findIndex((step) => step.title.startsWith("start the agent"));
  const smolvm = (title: string, args: string[]) => ({ title, argv: [ctx.cli.program, ...args] });
  const slug = spec.bottle.slug;
  return {
    backend: "smolmachines",
    steps: [
      ...docker.steps.slice(0, agentAt < 0 ? docker.steps.length : agentAt),
      smolvm(
        "create the agent's machine (egress only to the sidecar's alias)",
        createArgs(spec.bottle, spec.agent, { alias, secretFiles }),
      ),
      smolvm("start the machine", machineArgs("start", slug)),
      smolvm("check that its allowlist is applied", machineArgs("status", slug)),
      smolvm(
        "set it up as root",
        execArgs(slug, ["sh", "-c", PROVISION_SCRIPT, "sh", alias, SIDECAR_HOST, "keep"], {
          tty: false,
          user: "root",
          interactive: false,
        }),
      ),
      smolvm(
        "run the agent command",
        execArgs(slug, spec.command, { tty: false, interactive: true }),
      ),
    ],
  };
}
