import type { SelfTestTargets } from "../plan/mod.ts";
import { SELF_TEST_SCRIPT } from "./_script.ts";

/** `$0` of the self-test shell, so `ps` and error messages name it. */
const SCRIPT_NAME = "bot-bottle-self-test";
/** Where the proxy's host never listens (discard): its kernel refuses, timing one round trip. */
const NEAR_PORT = 9;
/** The pause between the proxy probe's tries while its port refuses (`sleep 0.2` in the script). */
const PROXY_RETRY_MS = 200;
const ADDR_PORT = /^(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[[0-9A-Fa-f:.]+\]):\d{1,5}$/;
const DNS_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62}\.)*[A-Za-z0-9-]{1,63}\.?$/;

/**
 * Build the argv that runs the isolation self-test inside the agent container.
 *
 * @param targets What direct TCP must not reach and which names must not resolve.
 * @param options `proxyUrl`: the sidecar's egress proxy as the agent sees it; `proxyWaitMs`: how
 *   long the proxy probe keeps trying while the proxy's port refuses (a sidecar still starting);
 *   `tcpOnStdin`: the TCP targets come later, as {@link selfTestStdin} writes them to the exec's
 *   standard input (`targets.tcp` must then be empty).
 * @returns `["sh", "-c", SCRIPT, "bot-bottle-self-test", ...tagged targets]`, the DNS probes
 *   before `near=` (the proxy's host, which times the direct connects) and the TCP probes, or
 *   before `-` with `tcpOnStdin`.
 * @throws {TypeError} When a target or the proxy URL is malformed (the plan validates them, so
 * this is a programming error), or TCP targets are given with `tcpOnStdin`.
 */
export function selfTestArgv(
  targets: SelfTestTargets,
  options: { proxyUrl: string; proxyWaitMs?: number; tcpOnStdin?: boolean },
): string[] {
  assertProxyUrl(options.proxyUrl);
  assertTcpTargets(targets.tcp);
  for (const name of targets.dns) {
    if (!DNS_NAME.test(name)) throw new TypeError(`Self-test name "${name}" is not a DNS name`);
  }
  const wait = options.proxyWaitMs ?? 0;
  if (!Number.isFinite(wait) || wait < 0) {
    throw new TypeError(`Self-test proxy wait ${wait} ms is not a duration`);
  }
  if (options.tcpOnStdin === true && targets.tcp.length > 0) {
    throw new TypeError("Self-test TCP targets go to standard input when tcpOnStdin is set");
  }
  return [
    "sh",
    "-c",
    SELF_TEST_SCRIPT,
    SCRIPT_NAME,
    ...(wait > 0 ? [`wait=${Math.ceil(wait / PROXY_RETRY_MS)}`] : []),
    `proxy=${options.proxyUrl}`,
    ...targets.dns.map((name) => `dns=${name}`),
    ...(options.tcpOnStdin === true ? ["-"] : tcpArgs(targets.tcp, options.proxyUrl)),
  ];
}

/**
 * What a self-test started with `tcpOnStdin` reads on its standard input: the TCP targets, known
 * once the sidecar has started, and the host that times their connects.
 *
 * @param tcp What direct TCP must not reach.
 * @param options `proxyUrl`: the same as the argv's.
 * @returns One tagged argument per line, each line ended.
 * @throws {TypeError} When a target or the proxy URL is malformed.
 */
export function selfTestStdin(tcp: readonly string[], options: { proxyUrl: string }): string {
  assertProxyUrl(options.proxyUrl);
  assertTcpTargets(tcp);
  return tcpArgs(tcp, options.proxyUrl).map((arg) => `${arg}\n`).join("");
}

function tcpArgs(tcp: readonly string[], proxyUrl: string): string[] {
  return [
    `near=${new URL(proxyUrl).hostname}:${NEAR_PORT}`,
    ...tcp.map((target) => `tcp=${target}`),
  ];
}

function assertProxyUrl(proxyUrl: string): void {
  if (!URL.canParse(proxyUrl) || !/^https?:\/\//.test(proxyUrl)) {
    throw new TypeError(`Self-test proxy "${proxyUrl}" is not an http(s) URL`);
  }
}

function assertTcpTargets(tcp: readonly string[]): void {
  for (const target of tcp) {
    if (!ADDR_PORT.test(target)) {
      throw new TypeError(`Self-test TCP target "${target}" is not ADDR:PORT`);
    }
  }
}
