/**
 * `doctor`'s checks for smolmachines: the `smolvm` CLI and its machine store, then the docker
 * engine the sidecars run on (the docker backend's own checks; the agent never runs on docker,
 * so gVisor is not asked for). Each failure says how to fix it.
 */
import type { DoctorHost, HostCheck, ProgramRunner } from "../types.ts";
import type { SidecarHost } from "./_sidecar_host.ts";

/** Where smolvm comes from. */
const INSTALL_HINT = "install smolvm (https://smolmachines.com; macOS on Apple silicon, or " +
  "Linux with KVM) and put it on PATH";

/**
 * Check smolvm and the sidecar engine.
 *
 * @param program The smolvm CLI.
 * @param sidecars The sidecar engine.
 * @param run Runs a host program.
 * @param host The host.
 * @returns The checks, and whether smolmachines can run bottles here.
 */
export async function smolvmChecks(
  program: string,
  sidecars: SidecarHost,
  run: ProgramRunner,
  host: DoctorHost,
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  const version = await run([program, "--version"]);
  if (!version.started || version.code !== 0) {
    const why = version.started ? `does not answer: ${version.stderr.trim()}` : "not found on PATH";
    return {
      checks: [{ status: "fail", name: "smolvm", detail: `${program} ${why}; ${INSTALL_HINT}` }],
      usable: false,
    };
  }
  const checks: HostCheck[] = [
    { status: "ok", name: "smolvm", detail: version.stdout.trim() || "(unknown version)" },
  ];
  const store = await run([program, "machine", "ls", "--json"]);
  const listed = store.code === 0 && store.stdout.trim().startsWith("[");
  checks.push(
    listed ? { status: "ok", name: "smolvm machines", detail: "the machine store answers" } : {
      status: "fail",
      name: "smolvm machines",
      detail: `smolvm machine ls failed: ${store.stderr.trim() || "no list"}; ` +
        "check that smolvm can start machines here (`smolvm machine run -- true`)",
    },
  );
  const docker = await sidecars.checks(run, { ...host, runtime: "runc" });
  return { checks: [...checks, ...docker.checks], usable: listed && docker.usable };
}
