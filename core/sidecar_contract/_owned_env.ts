/**
 * The agent environment names bot-bottle owns: a bottle's `env` and a provider's `provider.yaml`
 * may set none of them. They carry the proxy, the CA, the canary, the gitconfig that sends git to
 * the gate, the supervise URL, or change how the engine CLI behaves while it carries the agent's
 * values (`-e NAME` reads them from its environment). `GIT_CONFIG*` covers `GIT_CONFIG_SYSTEM`,
 * `_GLOBAL`, `_NOSYSTEM`, `_COUNT`, `_KEY_<n>`, `_VALUE_<n>` and `_PARAMETERS`, any of which
 * would silently undo the gate's rewrites.
 */
import { agentEnvironment } from "./_agent.ts";

const OWNED =
  /^(BOT_BOTTLE_.*|DOCKER_.*|HTTPS?_PROXY|NO_PROXY|ALL_PROXY|PATH|HOME|USER|TERM|XDG_RUNTIME_DIR|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE|GIT_SSL_CAINFO|CODEX_CA_CERTIFICATE|GIT_CONFIG.*|GIT_SSH|GIT_SSH_COMMAND|GIT_SSH_VARIANT|GIT_PROXY_COMMAND)$/i;

/** Every name {@link agentEnvironment} sets, supervise included, upper case. */
const AGENT_NAMES = Object.freeze(
  Object.keys(agentEnvironment({ superviseUrl: "http://sidecar" })).map((n) => n.toUpperCase()),
);

/**
 * Whether bot-bottle owns an agent environment name (any case).
 *
 * @param name A variable name.
 * @returns True when neither a bottle nor a provider may set it.
 */
export function isOwnedEnvName(name: string): boolean {
  return OWNED.test(name) || AGENT_NAMES.includes(name.toUpperCase());
}
