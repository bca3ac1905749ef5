/**
 * What the backends that drive an engine CLI share (they may import `core/` and nothing of each
 * other), on top of `core/host_cli` (running the CLI with a minimal environment and secrets by
 * name): running a command in a container through `exec`, removing objects in a safe order,
 * secrets by name, and the names and labels of a bottle's objects.
 *
 * @module
 * @example
 * ```ts
 * import { bottleNames, labelArgs } from "./mod.ts";
 * console.assert(bottleNames("dev-1").agent === "bot-bottle-dev-1");
 * console.assert(labelArgs({ slug: "dev-1", label: "x", agent: "a" }, "agent").length === 8);
 * ```
 */
export { pickSecrets } from "./pick_secrets.ts";
export { execIn, type ExecRequest, type ExecTarget } from "./exec_in.ts";
export {
  agentDnsArgs,
  type BottleNames,
  bottleNames,
  labelArgs,
  SLUG_LABEL,
} from "./bottle_names.ts";
export { type RemovalCommands, type RemovalStep, removeObjects } from "./remove_objects.ts";
