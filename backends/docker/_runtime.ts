/** gVisor detection: the agent runs under `runsc` whenever the engine has it registered. */
import { docker } from "./_docker.ts";

/**
 * The gVisor runtime name when the engine has one registered.
 *
 * @returns `"runsc"`, or `undefined` when the engine has no gVisor runtime.
 */
export async function gvisorRuntime(): Promise<string | undefined> {
  const { stdout } = await docker(["info", "--format", "{{json .Runtimes}}"]);
  const runtimes = JSON.parse(stdout) as Record<string, unknown> | null;
  return runtimes !== null && "runsc" in runtimes ? "runsc" : undefined;
}
