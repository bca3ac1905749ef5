/**
 * The launch self-test (SPEC §1.3): before the agent command runs, the launch (`src/launch`)
 * executes {@link selfTestArgv} inside the agent container through the backend, as the agent
 * user with the proxy variables set, and refuses the launch unless {@link parseSelfTest} says
 * isolation is effective. It proves
 * two things from where the agent stands: the sidecar proxy answers (`GET
 * http://_egress.local/allowlist` through it is HTTP 200), and nothing else does (direct TCP to
 * each target finds no route, each name fails to resolve).
 *
 * Why a probe line per check: a "blocked" result must prove the probe started, so silence is a
 * failure, never a pass. The run takes about as long as its slowest probe; allow
 * {@link SELF_TEST_TIMEOUT_MS} for the exec.
 *
 * @module
 * @example
 * ```ts
 * import { assertSelfTest, parseSelfTest, selfTestArgv } from "./mod.ts";
 *
 * const targets = { tcp: ["203.0.113.5:443"], dns: [] };
 * const argv = selfTestArgv(targets, { proxyUrl: "http://bot-bottle-sidecar:9099" });
 * console.assert(argv[0] === "sh" && argv.at(-1) === "tcp=203.0.113.5:443");
 *
 * // What `docker exec -u agent <container> ...argv` printed:
 * const stdout = "probe\ttools\tok\tcurl and getent found\n" +
 *   "probe\tproxy\tok\tanswered\n" +
 *   "probe\ttcp 203.0.113.5:443\tfail\tconnected directly (expected no route)\n";
 * const report = parseSelfTest({ code: 1, stdout, stderr: "" }, targets);
 * try {
 *   assertSelfTest(report);
 * } catch (err) {
 *   console.assert(String(err).includes("tcp 203.0.113.5:443 connected directly"));
 * }
 * ```
 */
export { selfTestArgv, selfTestStdin } from "./_argv.ts";
export { parseSelfTest } from "./_parse.ts";
export type { SelfTestProbe, SelfTestReport } from "./_parse.ts";
export { assertSelfTest, SelfTestError } from "./_error.ts";

/** How long the exec running the self-test may take before it counts as failed. */
export const SELF_TEST_TIMEOUT_MS = 20_000;
