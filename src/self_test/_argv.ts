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
 *   long the proxy probe keeps trying while the proxy's port refuses (a sidecar still starting).
 * @returns `["sh", "-c", SCRIPT, "bot-bottle-self-test", ...tagged targets]`, the DNS probes
 *   before `near=` (the proxy's host, which times the direct connects) and the TCP probes.
 * @throws {TypeError} When a target or the proxy URL is malformed (the plan validates them, so
 * this is a programming error).
 */
export function selfTestArgv(
  targets: SelfTestTargets,
  options: { proxyUrl: string; proxyWaitMs?: number },
): string[] {
  if (!URL.canParse(options.proxyUrl) || !/^https?:\/\//.test(options.proxyUrl)) {
    throw new TypeError(`Self-test proxy "${options.proxyUrl}" is not an http(s) URL`);
  }
  for (const target of targets.tcp) {
    if (!ADDR_PORT.test(target)) {
      throw new TypeError(`Self-test TCP target "${target}" is not ADDR:PORT`);
    }
  }
  for (const name of targets.dns) {
    if (!DNS_NAME.test(name)) throw new TypeError(`Self-test name "${name}" is not a DNS name`);
  }
  const wait = options.proxyWaitMs ?? 0;
  if (!Number.isFinite(wait) || wait < 0) {
    throw new TypeError(`Self-test proxy wait ${wait} ms is not a duration`);
  }
  return [
    "sh",
    "-c",
    SELF_TEST_SCRIPT,
    SCRIPT_NAME,
    ...(wait > 0 ? [`wait=${Math.ceil(wait / PROXY_RETRY_MS)}`] : []),
    `proxy=${options.proxyUrl}`,
    ...targets.dns.map((name) => `dns=${name}`),
    `near=${new URL(options.proxyUrl).hostname}:${NEAR_PORT}`,
    ...targets.tcp.map((target) => `tcp=${target}`),
  ];
}
