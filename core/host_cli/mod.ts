/**
 * Running an engine's host CLI (`docker`, `smolvm`): argv arrays only, a minimal environment in
 * which secrets travel by name, the engine's own typed error on failure, and attached runs of a
 * command inside the engine with inherited, captured or streamed stdio.
 *
 * @module
 * @example
 * ```ts
 * import { HostCli } from "./mod.ts";
 * const printenv = new HostCli("printenv", ["PATH"], (args, r) => new Error(`${args}: ${r.code}`));
 * const { stdout } = await printenv.run(["GREETING"], { secrets: { GREETING: "hi" } });
 * console.assert(stdout === "hi\n");
 * ```
 */
export {
  type AttachedIo,
  type CliResult,
  type CliRunOptions,
  HostCli,
  HostCliError,
  runAttached,
} from "./host_cli.ts";
