/**
 * `doctor`'s check of the base images a first `start` builds on: on the engine already, or
 * pullable from a registry (asked with `docker manifest inspect`, which pulls nothing). On a
 * machine without a registry the fix is a host setting naming an image the engine has.
 */
import type { BaseImageSetting, HostCheck, ProgramRunner } from "../types.ts";

/**
 * One check per base image.
 *
 * @param program The docker CLI.
 * @param run Runs a host program.
 * @param bases The images, each with the setting that replaces it.
 * @returns `ok` when the engine has it or a registry does; `fail` with the setting otherwise.
 */
export async function baseImageChecks(
  program: string,
  run: ProgramRunner,
  bases: readonly BaseImageSetting[],
): Promise<HostCheck[]> {
  const checks: HostCheck[] = [];
  for (const { image, setting } of bases) {
    const name = `base image ${image}`;
    const local = await run([program, "image", "inspect", "--format", "{{.Id}}", image]);
    if (local.code === 0) {
      checks.push({ status: "ok", name, detail: "on the engine" });
      continue;
    }
    const remote = await run([program, "manifest", "inspect", image]);
    if (remote.code === 0) {
      checks.push({ status: "ok", name, detail: "in its registry; the first start pulls it" });
      continue;
    }
    const reason = `${remote.stderr}`.trim().split("\n").at(-1) ?? "";
    checks.push({
      status: "fail",
      name,
      detail: `not on the engine and cannot be pulled${reason === "" ? "" : ` (${reason})`}; ` +
        `on a machine without a registry, set ${setting} to an image the engine has ` +
        `(docker image ls)`,
    });
  }
  return checks;
}
