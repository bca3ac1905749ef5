/**
 * `doctor`'s checks of the podman engine: the CLI, the engine (from `podman info`'s JSON), its
 * network backend (the internal network's guarantee needs netavark), runc and the agent's
 * isolation (the docker backend's doctor checks the base images after them). Podman is optional beside docker: a missing CLI is a warning that says how
 * to install it; a podman that is there but cannot run bottles is a failure that says why.
 */
import type { DoctorHost, HostCheck, ProgramRunner } from "../types.ts";

/** What `doctor` reads from `podman info --format json`. */
interface PodmanInfo {
  version: string;
  networkBackend: string;
  rootless: boolean;
}

/** How to install podman and what it needs, on Debian and Ubuntu. */
export const PODMAN_INSTALL_HINT =
  "sudo apt-get install podman netavark aardvark-dns runc catatonit";

/**
 * Read `podman info --format json`.
 *
 * @param stdout The command's standard output.
 * @returns The version, network backend and whether it runs rootless; undefined when the output
 * is not podman's answer.
 */
export function parsePodmanInfo(stdout: string): PodmanInfo | undefined {
  try {
    const info = JSON.parse(stdout) as {
      version?: { Version?: unknown };
      host?: { networkBackend?: unknown; security?: { rootless?: unknown } };
    };
    const version = info.version?.Version;
    if (typeof version !== "string" || version === "") return undefined;
    return {
      version,
      networkBackend: typeof info.host?.networkBackend === "string"
        ? info.host.networkBackend
        : "unknown",
      rootless: info.host?.security?.rootless === true,
    };
  } catch {
    return undefined;
  }
}

/**
 * Check the podman engine itself.
 *
 * @param program The podman CLI.
 * @param run Runs a host program.
 * @param host The host OS and the runtime asked for.
 * @returns The checks, and whether podman can run bottles here (base images aside).
 */
export async function podmanChecks(
  program: string,
  run: ProgramRunner,
  host: DoctorHost,
): Promise<{ checks: HostCheck[]; usable: boolean }> {
  if (host.os !== "linux") {
    const detail = "bottles on podman are tested on Linux hosts only; use docker here";
    return { checks: [{ status: "warn", name: "podman", detail }], usable: false };
  }
  const client = await run([program, "version", "--format", "{{.Client.Version}}"]);
  if (!client.started) {
    const detail = `${program} CLI not found on PATH (optional: --backend podman); ` +
      `to add it: ${PODMAN_INSTALL_HINT}`;
    return { checks: [{ status: "warn", name: "podman", detail }], usable: false };
  }
  const info = await run([program, "info", "--format", "json"]);
  const parsed = parsePodmanInfo(info.code === 0 ? info.stdout : "");
  if (parsed === undefined) {
    const reason = info.stderr.trim().split("\n").at(-1) ?? "";
    const detail = `podman info failed${reason === "" ? "" : `: ${reason}`}; reinstall it ` +
      `(${PODMAN_INSTALL_HINT}) or run it as root`;
    return { checks: [{ status: "fail", name: "podman", detail }], usable: false };
  }
  const checks: HostCheck[] = [engineCheck(parsed)];
  const firewall = await firewallCheck(run);
  if (firewall !== undefined) checks.push(firewall);
  const runc = await run(["runc", "--version"]);
  checks.push(
    runc.started && runc.code === 0
      ? { status: "ok", name: "podman runtime", detail: runc.stdout.split("\n")[0] ?? "runc" }
      : {
        status: "fail",
        name: "podman runtime",
        detail: "runc not found; bottles on podman run under runc: sudo apt-get install runc",
      },
  );
  checks.push(
    host.runtime === "runsc"
      ? {
        status: "fail",
        name: "podman isolation",
        detail: "BOT_BOTTLE_RUNTIME=runsc, but the podman backend runs agents under runc only " +
          "in this version; use --backend docker for gVisor",
      }
      : {
        status: "warn",
        name: "podman isolation",
        detail: "the agent gets runc (Linux namespaces, shared kernel); gVisor is offered on " +
          "docker",
      },
  );
  return { checks, usable: !checks.some((check) => check.status === "fail") };
}

/** The rule scripts/_ensure_podman.sh adds, as `iptables` arguments. */
const PODMAN_FORWARD_RULE = [
  "FORWARD",
  "-m",
  "physdev",
  "--physdev-is-bridged",
  "-i",
  "podman+",
  "-j",
  "ACCEPT",
] as const;

/**
 * Whether the host's firewall lets containers on one podman network reach each other. Docker sets
 * the FORWARD policy to DROP and makes bridged frames pass through iptables; netavark accepts
 * them only on networks with a route out, so on the internal network the agent would never reach
 * its sidecar. Undefined when the firewall cannot be read (not root, no iptables).
 */
async function firewallCheck(run: ProgramRunner): Promise<HostCheck | undefined> {
  const rules = await run(["iptables", "-S", "FORWARD"]);
  if (!rules.started || rules.code !== 0) return undefined;
  const lines = rules.stdout.split("\n");
  const drops = lines.includes("-P FORWARD DROP");
  const accepts = lines.some((line) =>
    line.includes("--physdev-is-bridged") && line.includes("-i podman+") &&
    line.endsWith("-j ACCEPT")
  );
  if (!drops || accepts) return undefined;
  return {
    status: "fail",
    name: "podman network",
    detail: "the host's firewall drops traffic between containers on one podman network (Docker " +
      "sets the FORWARD policy to DROP), so an agent could not reach its sidecar: sudo iptables " +
      `-I ${PODMAN_FORWARD_RULE[0]} 1 ${PODMAN_FORWARD_RULE.slice(1).join(" ")}`,
  };
}

function engineCheck(info: PodmanInfo): HostCheck {
  const name = "podman engine";
  if (info.networkBackend !== "netavark") {
    return {
      status: "fail",
      name,
      detail: `podman ${info.version} uses the ${info.networkBackend} network backend; the ` +
        "agent's internal network keeps the host off it only with netavark: sudo apt-get " +
        "install netavark aardvark-dns, then sudo podman system reset",
    };
  }
  if (info.rootless) {
    return {
      status: "fail",
      name,
      detail: `podman ${info.version} runs rootless; this version runs bottles on rootful ` +
        "podman only (rootless podman ignores the memory, CPU and pids caps on cgroup v1 " +
        "hosts): run bot-bottle as root (sudo)",
    };
  }
  return { status: "ok", name, detail: `podman ${info.version}, rootful, netavark` };
}
