/**
 * `doctor`'s checks of Apple's `container`: the CLI, its system services
 * (`container system status`, which pings the API server: command-reference.md), and whether
 * the runtime asked for can be given. Each failure says how to fix it.
 */
import { ConfigError } from "../../core/errors/mod.ts";
import type { DoctorHost, HostCheck, ProgramRunner } from "../types.ts";
import { requireVmRuntime } from "./_runtime.ts";

const NAME = "macos-container";

/**
 * Check Apple's `container`.
 *
 * @param program The CLI.
 * @param run Runs a host program.
 * @param host The host and the runtime asked for.
 * @returns The checks, and whether the backend can run bottles here.
 */
export async function containerChecks(
  program: string,
  run: ProgramRunner,
  host: DoctorHost,
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  const status = await run([program, "system", "status"]);
  if (!status.started) {
    const fix = host.os === "darwin"
      ? "install Apple's container (macOS 26+) from https://github.com/apple/container/releases"
      : "Apple's container runs on macOS 26+ only";
    return {
      checks: [{ status: "fail", name: NAME, detail: `${program} CLI not found on PATH; ${fix}` }],
      usable: false,
    };
  }
  if (status.code !== 0) {
    return {
      checks: [{
        status: "fail",
        name: NAME,
        detail: `container system not running (run \`${program} system start\`)`,
      }],
      usable: false,
    };
  }
  const checks: HostCheck[] = [{ status: "ok", name: NAME, detail: "container system running" }];
  try {
    checks.push({
      status: "ok",
      name: `${NAME} isolation`,
      detail: requireVmRuntime(host.runtime),
    });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ status: "fail", name: `${NAME} isolation`, detail: err.message });
    return { checks, usable: false };
  }
  return { checks, usable: true };
}
