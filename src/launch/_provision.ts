/**
 * Making a started agent ready, the same on every backend: it must run as a non-root user, it
 * must trust the bottle CA system-wide, and its proxy must answer before anything else runs (the
 * self-test's proxy probe waits for it; this explains a proxy that never answered).
 */
import {
  AGENT_FILES,
  AGENT_MOUNTS,
  SIDECAR_HOST,
  SIDECAR_PORTS,
} from "../../core/sidecar_contract/mod.ts";
import type { Backend } from "../../backends/mod.ts";
import { LaunchError } from "./launch_error.ts";
import { CA_INSTALL_SCRIPT } from "./_ca_install.ts";

/** How long the sidecar may take to start answering through the proxy. */
export const SIDECAR_READY_MS = 30_000;

/**
 * How long `update-ca-certificates` may take: it starts a few hundred processes, which under
 * gVisor's ptrace platform on a loaded machine took 26-31 s (0.3 s under runc).
 */
const CA_INSTALL_MS = 120_000;

/**
 * Refuse an agent that runs as root, whatever its image says (SPEC §7).
 *
 * @param backend The backend.
 * @param slug The bottle.
 * @throws {LaunchError} When `id -u` fails or says 0.
 */
export async function checkAgentUser(backend: Backend, slug: string): Promise<void> {
  const result = await backend.exec(slug, ["id", "-u"], {
    tty: false,
    capture: true,
    timeoutMs: 10_000,
  });
  const uid = result.stdout.trim();
  if (result.code !== 0 || !/^\d+$/.test(uid) || uid === "0") {
    throw new LaunchError(
      `the agent image must have a non-root user "agent" (got uid "${uid}"): ` +
        result.stderr.trim(),
    );
  }
}

/**
 * Put the bottle CA in the agent's system trust store (as root; the agent user cannot).
 *
 * @param backend The backend.
 * @param slug The bottle.
 * @throws {LaunchError} When the image has neither Debian's trust store layout nor
 *   `update-ca-certificates`, or the install fails.
 */
export async function installCa(backend: Backend, slug: string): Promise<void> {
  const argv = ["sh", "-c", CA_INSTALL_SCRIPT, "sh", `${AGENT_MOUNTS.ca}/${AGENT_FILES.caCert}`];
  const result = await backend.exec(slug, argv, {
    tty: false,
    user: "root",
    capture: true,
    timeoutMs: CA_INSTALL_MS,
  });
  if (result.code !== 0) {
    throw new LaunchError(
      "installing the bottle CA in the agent image failed (it needs update-ca-certificates): " +
        (result.code === 124
          ? `no answer within ${CA_INSTALL_MS / 1000} s`
          : `exit ${result.code}: ${result.stderr.trim()}`),
    );
  }
}

/**
 * Why the proxy did not answer the self-test: the sidecar's state and last log lines.
 *
 * @param backend The backend.
 * @param slug The bottle.
 * @param detail What the self-test's proxy probe saw.
 * @returns The error to throw.
 */
export async function proxyFailure(
  backend: Backend,
  slug: string,
  detail: string,
): Promise<LaunchError> {
  const sidecar = await backend.sidecarStatus(slug);
  return new LaunchError(
    `the sidecar is ${sidecar.running ? "running" : "not running"} and its proxy ` +
      `(port ${SIDECAR_PORTS.egress}) does not answer (${detail}); its last log lines:\n` +
      sidecar.logs,
  );
}

/** The pause between tries while a daemon's port refuses (`sleep 0.2` in the script). */
const RETRY_MS = 200;

/**
 * Waits until each port given after the host stops refusing connections (any answer, or a
 * timeout, ends the wait for it); exits 1 when one still refuses after the budget.
 */
const DAEMONS_WAIT_SCRIPT = `host=$1; shift
for port do
  tries=0
  while :; do
    curl -q -s --noproxy '*' --connect-timeout 3 --max-time 5 -o /dev/null "http://$host:$port/"
    [ $? -eq 7 ] || break
    [ "$tries" -lt ${Math.ceil(SIDECAR_READY_MS / RETRY_MS)} ] || exit 1
    if sleep 0.2 2>/dev/null; then tries=$((tries + 1)); else sleep 1; tries=$((tries + 5)); fi
  done
done`;

/**
 * Wait until the sidecar's other daemons (the git gate, supervise) listen: the self-test waits
 * for the proxy only, and a gate that still fetches its mirrors must not meet the agent's first
 * clone with a refused connection.
 *
 * @param backend The backend.
 * @param slug The bottle.
 * @param daemons The daemons the sidecar runs.
 * @throws {LaunchError} With the sidecar's state and last log lines, when one never listened.
 */
export async function waitForDaemons(
  backend: Backend,
  slug: string,
  daemons: readonly string[],
): Promise<void> {
  const ports = [
    ...(daemons.includes("git-gate") ? [["git gate", SIDECAR_PORTS.gitGate] as const] : []),
    ...(daemons.includes("supervise") ? [["supervise", SIDECAR_PORTS.supervise] as const] : []),
  ];
  if (ports.length === 0) return;
  const argv = [
    "sh",
    "-c",
    DAEMONS_WAIT_SCRIPT,
    "bot-bottle-daemons",
    SIDECAR_HOST,
    ...ports.map(([, port]) => String(port)),
  ];
  const result = await backend.exec(slug, argv, {
    tty: false,
    capture: true,
    timeoutMs: 2 * SIDECAR_READY_MS,
  });
  if (result.code === 0) return;
  const sidecar = await backend.sidecarStatus(slug);
  const which = ports.map(([name, port]) => `${name} (port ${port})`).join(" or ");
  throw new LaunchError(
    `the sidecar is ${sidecar.running ? "running" : "not running"} and its ${which} did not ` +
      `start listening within ${SIDECAR_READY_MS / 1000} s; its last log lines:\n${sidecar.logs}`,
  );
}
