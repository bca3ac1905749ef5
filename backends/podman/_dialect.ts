/**
 * How Podman differs from docker where the two CLIs otherwise speak the same grammar: the
 * registry (backends/mod.ts) gives this dialect to the docker backend's primitives to make the
 * podman backend.
 */
import type { Availability, EngineDialect, EngineProbe } from "../types.ts";
import { podmanChecks } from "./doctor.ts";

/**
 * Caps on open files and processes every podman container gets. Podman otherwise asks the kernel
 * for its own defaults (1048576 files, more processes than `pid_max` on small hosts), above the
 * hard limits of a host that caps them lower, and `podman run` fails; docker passes its daemon's
 * limits instead. These stay under every such host's limits seen (20000 files, 32768 pids).
 */
export const PODMAN_ULIMITS = { nofile: 16384, nproc: 16384 } as const;

/** The podman engine (rootful; netavark networks). */
export const PODMAN_DIALECT: EngineDialect = Object.freeze({
  name: "podman",
  // A netavark network without DNS gets no gateway, so the host holds no address on it; with DNS
  // the host would (aardvark-dns listens there, and forwards queries to the host's resolvers).
  internalNetworkFlags: ["--disable-dns"],
  containerFlags: [
    // runc explicitly: crun fails on hosts with hybrid cgroups.
    "--runtime",
    "runc",
    "--ulimit",
    `nofile=${PODMAN_ULIMITS.nofile}:${PODMAN_ULIMITS.nofile}`,
    "--ulimit",
    `nproc=${PODMAN_ULIMITS.nproc}:${PODMAN_ULIMITS.nproc}`,
  ],
  // Not verified on podman: with a subnet of its own, netavark may give the host a gateway there.
  pinsSidecarAddress: false,
  probe: Object.freeze({
    args: [
      "info",
      "--format",
      "{{.Version.Version}} {{.Host.Security.Rootless}} {{.Host.NetworkBackend}}",
    ],
    read: readProbe,
  }),
  listProbe,
  formats: Object.freeze({
    psLabel: (key: string) => `{{index .Labels "${key}"}}`,
    // `.State` is the human "Up 3 seconds ago" in podman's ps; the raw state sits underneath.
    psState: "{{.ListContainer.State}}",
    networkLabel: (key: string) => `{{index .Network.Labels "${key}"}}`,
    subnet: "{{ (index .Subnets 0).Subnet }}",
    gateways: "{{ range .Subnets }}{{ with .Gateway }}{{ . }}{{ end }}{{ end }}",
  }),
  // This version runs podman's agents under runc only: gVisor is offered on docker.
  runscRegistered: () => Promise.resolve(false),
  gvisorFix: "the podman backend runs agents under runc only in this version (use --backend " +
    "docker for gVisor)",
  engineChecks: podmanChecks,
});

/**
 * Whether this podman can run bottles with the guarantees they need: rootful (rootless podman
 * ignores the memory, CPU and pids caps on cgroup v1 hosts, and is untested) and netavark (the
 * internal network's host isolation is netavark's behaviour).
 *
 * @param stdout `<version> <rootless> <network backend>`.
 * @returns Whether it can, and why not.
 */
export function readProbe(stdout: string): Availability {
  const [version = "", rootless = "", network = ""] = stdout.trim().split(" ");
  if (rootless !== "false") {
    return {
      ok: false,
      reason: `podman ${version} runs rootless; bottles run on rootful podman only (run as root)`,
    };
  }
  if (network !== "netavark") {
    return {
      ok: false,
      reason: `podman ${version} uses the ${network} network backend; bottles need netavark`,
    };
  }
  return { ok: true, detail: `podman engine ${version} (rootful, netavark)` };
}

/** Asks the podman CLI its version: no engine state, no `dpkg` look-ups. */
const VERSION_PROBE: EngineProbe = Object.freeze({
  args: ["version", "--format", "{{.Client.Version}}"],
  read: (stdout: string) => ({ ok: true as const, detail: `podman ${stdout.trim()}` }),
});

/**
 * The probe that says whether a listing sees every podman bottle. `podman info` (the full probe)
 * takes half a second, most of it asking `dpkg` which package each helper came from. As root,
 * podman lists root's store, the only one bottles run in, whatever its network backend (that
 * matters to starting a bottle, not to finding one): whether the CLI answers is enough. As
 * another user it lists a rootless store, so the full probe says why podman cannot be asked.
 *
 * @param uid The user bot-bottle runs as.
 * @returns The version probe as root, else `undefined` (the full probe).
 */
export function listProbe(uid: number | null): EngineProbe | undefined {
  return uid === 0 ? VERSION_PROBE : undefined;
}
