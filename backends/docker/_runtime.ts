/** gVisor detection: the agent runs under `runsc` whenever the engine has it registered. */
import type { DockerCli } from "./_docker.ts";

/**
 * The gVisor runtime name when the engine has one registered.
 *
 * @param cli The docker CLI.
 * @returns `"runsc"`, or `undefined` when the engine has no gVisor runtime.
 */
export async function gvisorRuntime(cli: DockerCli): Promise<string | undefined> {
  const { stdout } = await cli.run(["info", "--format", "{{json .Runtimes}}"]);
  const runtimes = JSON.parse(stdout) as Record<string, unknown> | null;
  return runtimes !== null && "runsc" in runtimes ? "runsc" : undefined;
}
