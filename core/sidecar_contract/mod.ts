/**
 * The sidecar contract: everything the host writes and the sidecar (or the agent) reads, in one
 * place. Host name and ports, mount points and file names, the sidecar's environment variables
 * with their schemas and defaults, the token slot names and the agent's proxy and CA
 * environment. The backends' argv builders and the host's launch write from it, the sidecar's
 * init reads from it; no other file spells these names.
 *
 * @module
 * @example
 * ```ts
 * import { readSetting, SIDECAR_ENV, sidecarEnvironment } from "./mod.ts";
 * const env = sidecarEnvironment({
 *   daemons: ["egress"],
 *   slug: "dev-1a2b3c",
 *   listenSubnet: "172.20.0.0/16",
 *   upstreamCa: false,
 *   connectTo: [],
 *   timeouts: {},
 * });
 * console.assert(readSetting(env, SIDECAR_ENV.egressListen)?.port === 9099);
 * console.assert(readSetting(env, SIDECAR_ENV.egressRoutes) === "/state/egress/routes.yaml");
 * console.assert(readSetting(env, SIDECAR_ENV.tokenAllowTimeout) === 300);
 * ```
 */
export {
  gateUrl,
  proxyUrl,
  SIDECAR_DNS_PORT,
  SIDECAR_HOST,
  SIDECAR_PORTS,
  superviseUrl,
} from "./_endpoints.ts";
export {
  AGENT_FILES,
  AGENT_HOME,
  AGENT_MOUNTS,
  AGENT_WORKSPACE,
  SIDECAR_FILES,
  SIDECAR_MOUNTS,
  SIDECAR_RUNTIME_ROOTS,
} from "./_layout.ts";
export {
  addressInSubnet,
  type ConnectTo,
  type HostPort,
  parseConnectTo,
  parseHostPort,
  parseSubnet,
  parseWholeSeconds,
  type Subnet,
} from "./_values.ts";
export {
  EGRESS_TIMEOUTS,
  type Environment,
  KNOWN_SECRET_PREFIX,
  knownSecretSlotName,
  OPERATOR_TIMEOUTS,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
  type SidecarVariable,
  TOKEN_SLOT_PREFIX,
  tokenSlotName,
} from "./_variables.ts";
export {
  DAEMON_NAMES,
  type DaemonName,
  sidecarEnvironment,
  type SidecarEnvironmentOptions,
} from "./_environment.ts";
export { agentEnvironment, SUPERVISE_URL_VARIABLE } from "./_agent.ts";
export { isOwnedEnvName } from "./_owned_env.ts";
export { SIDECAR_SYSCTLS } from "./_kernel.ts";
export { BODY_RUNTIME_FLAGS } from "./_runtime.ts";
