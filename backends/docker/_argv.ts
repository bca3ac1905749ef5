/**
 * The docker argv for each object of a bottle. Shared by `prepare` (which shows them, with
 * placeholders for what only the launch learns) and `launch` (which runs them), so a dry run
 * shows exactly what runs. Secrets appear only as bare `-e NAME`.
 */
import { GATE_PORT } from "../../core/git_gate/mod.ts";
import { SIDECAR_FILES } from "../../src/sidecar_files/mod.ts";
import type { BottlePlan } from "../types.ts";
import { type BottleNames, SIDECAR_HOST, SLUG_LABEL } from "./_names.ts";

/** Where the sidecar finds its files (see sidecar/init/_egress.ts and images/sidecar). */
const SIDECAR_STATE = "/state/egress";
const SIDECAR_QUEUE = "/queue";
/** Where the git gate finds `repos.json` and `keys/`, and keeps its mirrors. */
const SIDECAR_GIT_GATE = "/state/git-gate";
const SIDECAR_GIT_MIRRORS = "/git";
/** Where the agent finds its system gitconfig (read-only; `~/.gitconfig` stays its own). */
export const AGENT_GIT_DIR = "/etc/bot-bottle/git";
/** Where the agent finds the bottle CA certificate (read-only, certificate only). */
export const AGENT_CA_DIR = "/etc/bot-bottle/ca";
/** The CA bundle that includes the bottle CA once `update-ca-certificates` ran. */
const SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
/** The proxy URL as the agent sees it. */
export const PROXY_URL = `http://${SIDECAR_HOST}:9099`;

function labels(plan: BottlePlan, role: string): string[] {
  return [
    "--label",
    `${SLUG_LABEL}=${plan.slug}`,
    "--label",
    `bot-bottle.role=${role}`,
    "--label",
    `bot-bottle.agent=${plan.agent}`,
    "--label",
    `bot-bottle.label=${plan.label}`,
  ];
}

/** `docker network create` for the internal network: no bridge address, so no host, no route. */
export function internalNetworkArgs(plan: BottlePlan, names: BottleNames): string[] {
  return [
    "network",
    "create",
    "--internal",
    // Without an address on the host side of the bridge the agent cannot reach host services.
    "--opt",
    "com.docker.network.bridge.inhibit_ipv4=true",
    ...labels(plan, "internal"),
    names.internal,
  ];
}

/** `docker network create` for the per-bottle egress network (sidecar only). */
export function egressNetworkArgs(plan: BottlePlan, names: BottleNames): string[] {
  return ["network", "create", ...labels(plan, "egress"), names.egress];
}

/** Environment names whose values the sidecar receives through the docker CLI's environment. */
export function sidecarSecretNames(plan: BottlePlan): string[] {
  return ["BOT_BOTTLE_CANARY", ...plan.tokenSlots.map((s) => s.slot)];
}

/**
 * `docker create` for the sidecar on the internal network, under its pinned name. It starts
 * only after the egress network is connected too, and its proxy listens on the internal
 * network's address alone: the host and the egress network never reach a port that injects
 * tokens.
 */
export function sidecarCreateArgs(
  plan: BottlePlan,
  names: BottleNames,
  options: { image: string; internalSubnet: string; user: string },
): string[] {
  const settings: string[] = [
    "BOT_BOTTLE_SIDECAR_DAEMONS=" + plan.daemons.join(","),
    `BOT_BOTTLE_EGRESS_ROUTES=${SIDECAR_STATE}/routes.yaml`,
    `BOT_BOTTLE_EGRESS_CA_DIR=${SIDECAR_STATE}/ca`,
    "BOT_BOTTLE_EGRESS_LISTEN=0.0.0.0:9099",
    `BOT_BOTTLE_EGRESS_LISTEN_SUBNET=${options.internalSubnet}`,
    "BOT_BOTTLE_SUPERVISE_LISTEN=0.0.0.0:9100",
    `BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET=${options.internalSubnet}`,
    `BOT_BOTTLE_QUEUE_DIR=${SIDECAR_QUEUE}`,
    `BOT_BOTTLE_SLUG=${plan.slug}`,
    // Deno's cache must be writable on a read-only root.
    "DENO_DIR=/tmp/deno",
    "HOME=/tmp",
  ];
  if (plan.upstreamCaFile !== undefined) {
    settings.push(`BOT_BOTTLE_EGRESS_UPSTREAM_CA=${SIDECAR_STATE}/upstream-ca.pem`);
  }
  if (plan.connectTo.length > 0) {
    settings.push(`BOT_BOTTLE_EGRESS_CONNECT_TO=${plan.connectTo.join(",")}`);
  }
  const gate = plan.daemons.includes("git-gate");
  if (gate) {
    settings.push(
      `BOT_BOTTLE_GIT_GATE_CONFIG_DIR=${SIDECAR_GIT_GATE}`,
      `BOT_BOTTLE_GIT_GATE_MIRROR_DIR=${SIDECAR_GIT_MIRRORS}`,
      `BOT_BOTTLE_GIT_GATE_LISTEN=0.0.0.0:${GATE_PORT}`,
      `BOT_BOTTLE_GIT_GATE_LISTEN_SUBNET=${options.internalSubnet}`,
    );
  }
  settings.push(...Object.entries(plan.sidecarTimeouts).map(([name, value]) => `${name}=${value}`));
  const etc = plan.paths.sidecarEtc;
  return [
    "create",
    "--name",
    names.sidecar,
    ...labels(plan, "sidecar"),
    "--network",
    names.internal,
    "--network-alias",
    SIDECAR_HOST,
    // The sidecar runs as the host user, so it can read the 0600 CA key the CLI wrote.
    "--user",
    options.user,
    "--read-only",
    // exec: the git gate's pre-receive hook lives here, and git skips a hook it cannot execute.
    "--tmpfs",
    "/tmp:rw,exec,nosuid,nodev",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--pids-limit",
    "512",
    // Read-only: the host writes the routes file in place, and a sidecar that could replace it
    // with a symlink would turn that write into one anywhere the host user can write.
    "--mount",
    `type=bind,source=${plan.paths.egress},target=${SIDECAR_STATE},readonly`,
    "--mount",
    `type=bind,source=${plan.paths.queue},target=${SIDECAR_QUEUE}`,
    // The host uid needs a name: OpenSSH's client refuses to run for a uid without one.
    "--mount",
    `type=bind,source=${etc}/${SIDECAR_FILES.passwd},target=/etc/passwd,readonly`,
    "--mount",
    `type=bind,source=${etc}/${SIDECAR_FILES.group},target=/etc/group,readonly`,
    // Keys and repos.json are read-only for the same reason as the egress directory.
    ...(gate
      ? [
        "--mount",
        `type=bind,source=${plan.paths.gitGate},target=${SIDECAR_GIT_GATE},readonly`,
        "--mount",
        `type=bind,source=${plan.paths.gitMirrors},target=${SIDECAR_GIT_MIRRORS}`,
      ]
      : []),
    ...settings.flatMap((s) => ["--env", s]),
    ...sidecarSecretNames(plan).flatMap((name) => ["--env", name]),
    options.image,
  ];
}

/** `docker network connect` giving the (not yet started) sidecar its egress network. */
export function sidecarConnectArgs(names: BottleNames, egressNetwork: string): string[] {
  return ["network", "connect", egressNetwork, names.sidecar];
}

/** The agent's settings that are not secret: proxy, CA and gitconfig variables. */
export function agentSettings(): string[] {
  // The sidecar itself is no upstream: supervise's long polls and the git gate must never go
  // through egress (which refuses every push).
  const noProxy = `localhost,127.0.0.1,::1,${SIDECAR_HOST}`;
  return [
    `HTTP_PROXY=${PROXY_URL}`,
    `HTTPS_PROXY=${PROXY_URL}`,
    `http_proxy=${PROXY_URL}`,
    `https_proxy=${PROXY_URL}`,
    `NO_PROXY=${noProxy}`,
    `no_proxy=${noProxy}`,
    `NODE_EXTRA_CA_CERTS=${AGENT_CA_DIR}/ca.pem`,
    `SSL_CERT_FILE=${SYSTEM_BUNDLE}`,
    `REQUESTS_CA_BUNDLE=${SYSTEM_BUNDLE}`,
    `GIT_SSL_CAINFO=${SYSTEM_BUNDLE}`,
    `CODEX_CA_CERTIFICATE=${AGENT_CA_DIR}/ca.pem`,
    // Git (2.32+) reads this instead of /etc/gitconfig: identity and the rewrites to the gate.
    `GIT_CONFIG_SYSTEM=${AGENT_GIT_DIR}/${SIDECAR_FILES.agentGitconfig}`,
  ];
}

/** `docker run` for the agent: internal network only, DNS to the sidecar, which answers none. */
export function agentRunArgs(
  plan: BottlePlan,
  names: BottleNames,
  options: { image: string; sidecarIp: string; runtime?: string },
): string[] {
  return [
    "run",
    "--detach",
    "--init",
    "--name",
    names.agent,
    ...labels(plan, "agent"),
    ...(options.runtime === undefined ? [] : ["--runtime", options.runtime]),
    "--network",
    names.internal,
    "--hostname",
    plan.slug,
    // The agent's resolver forwards to the sidecar, where nothing answers DNS: no lookups out.
    "--dns",
    options.sidecarIp,
    // Nothing answers, so fail a lookup after one short try instead of stalling every program.
    "--dns-option",
    "timeout:1",
    "--dns-option",
    "attempts:1",
    "--add-host",
    `${SIDECAR_HOST}:${options.sidecarIp}`,
    "--sysctl",
    "net.ipv6.conf.all.disable_ipv6=1",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--pids-limit",
    "4096",
    "--mount",
    `type=bind,source=${plan.paths.agentCa},target=${AGENT_CA_DIR},readonly`,
    "--mount",
    `type=bind,source=${plan.paths.agentGit},target=${AGENT_GIT_DIR},readonly`,
    ...agentSettings().flatMap((s) => ["--env", s]),
    ...plan.env.flatMap((e) => ["--env", e.name]),
    "--entrypoint",
    "sleep",
    options.image,
    "infinity",
  ];
}
