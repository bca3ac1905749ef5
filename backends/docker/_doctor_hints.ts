/**
 * How to fix what `doctor` finds wrong with a docker engine, per host OS: every `fail` and `warn`
 * line ends with what to do.
 */

/**
 * How to get a docker CLI.
 *
 * @param os The host OS, as in `Deno.build.os`.
 * @returns The fix, without a trailing period.
 */
export function installHint(os: string): string {
  return os === "darwin"
    ? "install Docker Desktop, Colima or OrbStack"
    : "install a Docker engine (Debian, Ubuntu: sudo apt-get install docker.io)";
}

/**
 * How to start a docker daemon that does not answer.
 *
 * @param os The host OS.
 * @returns The fix.
 */
export function startHint(os: string): string {
  return os === "darwin"
    ? "start it: open Docker Desktop (or: colima start, or open OrbStack)"
    : "start it: sudo systemctl start docker (without systemd: sudo dockerd &), and let your " +
      "user use it (sudo usermod -aG docker $USER, then log in again)";
}

/**
 * How to give bottles gVisor.
 *
 * @param os The host OS.
 * @returns The fix.
 */
export function gvisorHint(os: string): string {
  return os === "linux"
    ? "to add gVisor: sudo apt-get install runsc (or gVisor's own packages), sudo runsc install, " +
      "sudo systemctl restart docker"
    : "gVisor runs only on Linux hosts";
}
