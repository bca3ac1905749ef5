/** The shapes of a bottle plan: what every backend runs, decided once from the manifests. */
import type { GateRepo } from "../../core/git_gate/mod.ts";
import type { Route } from "../../core/routes/mod.ts";
import type { DaemonName } from "../../core/sidecar_contract/mod.ts";
import type { RuntimeRequest } from "../../backends/mod.ts";
import type { BottleLimits } from "../manifest/mod.ts";
import type { BottlePaths } from "../paths/mod.ts";

/** Where the agent image comes from. */
export type AgentImageSource =
  /** A provider's own image, built from the Dockerfile text shipped with bot-bottle. */
  | { kind: "provider"; template: string; dockerfile: string }
  /** A bottle-supplied Dockerfile (`agent_provider.dockerfile`); its folder is the context. */
  | { kind: "dockerfile"; path: string }
  /** An image made by `commit`, booted by `resume`. */
  | { kind: "committed"; ref: string };

/** One environment variable of the agent, by name; values travel in {@link LaunchSecrets}. */
export interface PlannedEnv {
  /** The variable's name inside the agent. */
  name: string;
  /** Where the value comes from (for the preflight). */
  source: "literal" | "host" | "prompt" | "bot-bottle";
}

/** One known-secret slot: the sidecar variable and the agent env variable whose value fills it. */
export interface KnownSecretSlot {
  /** `EGRESS_KNOWN_SECRET_<n>`. */
  slot: string;
  /** The agent's variable. */
  env: string;
}

/** One egress token slot: the sidecar variable and the host variable that fills it. */
export interface TokenSlot {
  /** `EGRESS_TOKEN_<n>`, as named in the rendered routes file. */
  slot: string;
  /** The host environment variable holding the real token. */
  from: string;
}

/** Addresses the launch self-test must fail to reach from inside the agent. */
export interface SelfTestTargets {
  /** `ADDR:PORT` pairs a direct TCP connection must not reach. */
  tcp: string[];
  /** Names that must not resolve. */
  dns: string[];
}

/** The git gate's part of a plan (SPEC §6.2). */
export interface GitGatePlan {
  /** The upstream repos, as the sidecar's `repos.json` holds them. */
  repos: GateRepo[];
  /** Each repo's private key file on the host, copied into the gate's `keys/<name>`. */
  keys: { name: string; path: string }[];
  /** The identity the agent commits as (claimed, not vouched). */
  user: { name?: string; email?: string };
}

/** A skill folder on the host and where it goes in the agent. */
export interface SkillCopy {
  /** The skill's name. */
  name: string;
  /** The host folder. */
  source: string;
  /** The folder in the agent. */
  target: string;
}

/** What the provider is given before its command starts (nothing here is secret). */
export interface ProviderSetup {
  /** Non-secret variables: the provider's own and its credential placeholder. */
  env: Record<string, string>;
  /** First-run files and the prompt, written as the agent user. */
  files: { path: string; content: string }[];
  /** Skills copied in. */
  skills: SkillCopy[];
  /** Paths under the agent's home saved with the workspace when the state is kept. */
  keep: string[];
  /** The supervise MCP registration command, `{url}` standing for the server's URL. */
  mcp?: string[];
}

/** Everything the launch (`src/launch`) needs to start one bottle, without secret values. */
export interface BottlePlan {
  /** The bottle's identifier: names, labels and state paths derive from it. */
  slug: string;
  /** What `list active` shows (the agent name, or `--label`). */
  label: string;
  /** The agent's name. */
  agent: string;
  /** The bottle's name. */
  bottle: string;
  /** The directory `start` ran in. */
  cwd: string;
  /** The host folder copied into the agent's workspace; absent: the workspace starts empty. */
  workspace?: string;
  /** A workspace saved when the state was kept, put back into a resumed bottle. */
  workspaceArchive?: string;
  /** The largest folder that may be copied (`BOT_BOTTLE_WORKSPACE_MAX_MB`), in bytes. */
  workspaceMaxBytes: number;
  /** Host paths of this bottle's state. */
  paths: BottlePaths;
  /** The agent image. */
  image: AgentImageSource;
  /** The provider template. */
  template: string;
  /** How the provider authenticates (the real credential only reaches egress). */
  credential: "none" | "oauth" | "api_key" | "device";
  /** What the provider is given before its command starts. */
  provider: ProviderSetup;
  /** What runs in the bottle once it is up. */
  command: string[];
  /** The agent's environment, by name. */
  env: PlannedEnv[];
  /** The egress routes with every `token_ref` replaced by its slot name. */
  routes: Route[];
  /** Egress log level. */
  logLevel: 0 | 1 | 2;
  /** Token slots, one per distinct `token_ref`. */
  tokenSlots: TokenSlot[];
  /**
   * Known-secret slots, one per secret env value (`${HOST_VAR}`, `?prompt`): egress scans for
   * them in every encoding, and never injects them.
   */
  knownSecretSlots: KnownSecretSlot[];
  /** Sidecar daemons to run. */
  daemons: DaemonName[];
  /** The git gate: upstream repos, their host key files and the agent's commit identity. */
  gitGate: GitGatePlan;
  /** Operator timeouts passed to the sidecar, seconds by variable name. */
  operatorTimeouts: Record<string, number>;
  /** `HOST:PORT=ADDR:PORT` mappings for egress (tests and labs; exempt from the address check). */
  connectTo: string[];
  /** Host file with an extra CA egress trusts for upstream TLS. */
  upstreamCaFile?: string;
  /** A CA file the agent image build trusts while it installs (`BOT_BOTTLE_BUILD_CA_FILE`). */
  buildCaFile?: string;
  /** Base image build arguments (`BASE_IMAGE`) for the agent and sidecar images. */
  baseImages: { agent?: string; sidecar?: string };
  /** An existing network the sidecar uses for egress instead of a per-bottle one. */
  egressNetwork?: string;
  /** What the self-test probes. */
  selfTest: SelfTestTargets;
  /** Memory, CPU and process caps of the agent and sidecar containers. */
  limits: BottleLimits;
  /** The runtime the agent asks for (`BOT_BOTTLE_RUNTIME`; `auto`: gVisor when the engine has it). */
  runtime: RuntimeRequest;
}

/** The secret values a launch needs; never written to disk or argv. */
export interface LaunchSecrets {
  /** The agent's environment values by name (manifest env, placeholders, canary). */
  agentEnv: Record<string, string>;
  /** Token slot values by slot name. */
  tokens: Record<string, string>;
  /** The bottle's canary token. */
  canary: string;
  /** Files only the launch can make, written into the agent (Codex's dummy login). */
  agentFiles: { path: string; content: string }[];
}
