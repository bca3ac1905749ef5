/**
 * `doctor`'s checks for smolmachines: the `smolvm` CLI and its machine store, then whether the
 * docker engine the sidecars run on can run them (the docker backend's own checks, summed up in
 * one line: doctor lists docker's own lines already). smolvm missing is a warning, not a
 * failure: the backend is optional, and the default backend check fails when it was asked for.
 */
import type { DoctorHost, HostCheck, ProgramRunner, SidecarHost } from "../types.ts";

/** Where smolvm comes from. */
const INSTALL_HINT = "install smolvm (https://smolmachines.com; macOS on Apple silicon, or " +
  "Linux with KVM) and put it on PATH to use the smolmachines backend";

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
      checks: [{ status: "warn", name: "smolvm", detail: `${program} ${why}; ${INSTALL_HINT}` }],
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
  // The agent never runs on docker: gVisor is not asked for.
  const docker = await sidecars.checks(run, { ...host, runtime: "runc" });
  const broken = docker.checks.find((c) => c.status === "fail");
  checks.push(
    docker.usable
      ? { status: "ok", name: "smolmachines sidecars", detail: "docker can run them" }
      : {
        status: "fail",
        name: "smolmachines sidecars",
        detail: `the sidecars run on docker, which cannot run them: ${
          broken === undefined ? "see the docker checks" : `${broken.name}: ${broken.detail}`
        }`,
      },
  );
  return { checks, usable: listed && docker.usable };
}
