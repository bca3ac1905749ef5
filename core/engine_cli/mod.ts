/**
 * What the backends that drive an engine CLI share (they may import `core/` and nothing of each
 * other): running the CLI with a minimal environment and secrets by name, running a command in a
 * container through `exec`, removing objects in a safe order, and the names and labels of a
 * bottle's objects.
 *
 * @module
 * @example
 * ```ts
 * import { bottleNames, EngineCli, labelArgs } from "./mod.ts";
 * const cli = new EngineCli("docker", { ownEnv: ["PATH"], failure: () => new Error("failed") });
 * console.assert(cli.program === "docker");
 * console.assert(bottleNames("dev-1").agent === "bot-bottle-dev-1");
 * console.assert(labelArgs({ slug: "dev-1", label: "x", agent: "a" }, "agent").length === 8);
 * ```
 */
export {
  EngineCli,
  type EngineCliOptions,
  type EngineOutput,
  type EngineRunOptions,
  pickSecrets,
} from "./engine_cli.ts";
export { execIn, type ExecRequest, type ExecTarget } from "./exec_in.ts";
export { type BottleNames, bottleNames, labelArgs, SLUG_LABEL } from "./bottle_names.ts";
export { type RemovalCommands, type RemovalStep, removeObjects } from "./remove_objects.ts";
