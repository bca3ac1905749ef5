/**
 * Harness for the Docker end-to-end and security suites: a per-file test internet (upstream
 * HTTPS server, outside host with a fake resolver, control container), the CLI run from source,
 * manifests, probes and leftover checks. Everything it creates carries `bot-bottle-test=1` and is
 * removed when the world is disposed, which also fails the test if a bottle left anything behind.
 *
 * @module
 * @example
 * ```ts ignore
 * import { agentCurl, startDetached, startWorld } from "./mod.ts";
 * await using world = await startWorld("example");
 * const slug = await startDetached(world, "demo");
 * const outcome = await agentCurl(world, slug, ["https://example.com/"]);
 * console.assert(outcome.status === 200);
 * ```
 */
export {
  e2eRuntime,
  MODEL_API_HOSTS,
  type ModelRequest,
  OUTSIDE_TCP_BODY,
  OUTSIDE_TCP_PORT,
  type OutsideEvent,
  REPO,
  startWorld,
  TOKEN_VAR,
  UPSTREAM_HOSTS,
  UPSTREAM_PAGE_MARKER,
  type UpstreamRequest,
  World,
} from "./world.ts";
export {
  agentBash,
  type AttachedBottle,
  execIn,
  runCli,
  RunningCli,
  spawnCli,
  startAttached,
  startDetached,
  stateSlugs,
  stopLeavingNothing,
  waitForAgentProcess,
  waitForNewBottle,
} from "./cli.ts";
export { bottleLeftovers, CLEAN, describeLeftovers, isClean, type Leftovers } from "./leftovers.ts";
export {
  TEST_AGENT,
  TEST_VISIBLE_ENV,
  writeAgent,
  writeBottle,
  writeTestAgent,
} from "./manifests.ts";
export {
  agentCurl,
  agentParallel,
  type BlockBody,
  blockBody,
  CURL_STATUS_FORMAT,
  type CurlOutcome,
  type ParallelCommand,
  type ParallelOutcome,
  parseCurl,
  showCurl,
} from "./probes.ts";
export {
  callTool,
  DENO_AGENT_BASE,
  installMcpClient,
  pendingIds,
  SUPERVISE_URL,
  waitForPending,
} from "./mcp.ts";
export { SSH_UPSTREAM_HOST, type SshUpstream, startSshUpstream } from "./ssh_upstream.ts";
export {
  containerIp,
  containerIps,
  containerNetworks,
  docker,
  dockerOk,
  e2eEngine,
  networkGateways,
  runProgram,
  type RunResult,
  TEST_LABEL,
} from "./_docker.ts";
