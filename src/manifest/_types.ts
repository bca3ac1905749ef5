/** The shapes `loadAgent` and `loadBottle` return. */
import type { Route } from "../../core/routes/mod.ts";
import type { Provider } from "../providers/mod.ts";
import type { EnvValue } from "./_env.ts";
import type { BottleLimits } from "./_limits.ts";

export type { AgentEntry, LoadOptions } from "./listing/mod.ts";

/** A value and the file that set it. */
export interface Sourced<T> {
  /** The value. */
  value: T;
  /** Path of the manifest that set it. */
  from: string;
}

/** The commit identity, per field, with provenance. */
export interface GitUser {
  /** `user.name`. */
  name?: Sourced<string>;
  /** `user.email`. */
  email?: Sourced<string>;
}

/** One upstream repo of the git gate, complete after `extends`. */
export interface Repo {
  /** The repo's name (a safe identifier). */
  name: string;
  /** The upstream URL as written. */
  url: string;
  /** SSH user. */
  user: string;
  /** Upstream host (lower case) or IP address. */
  host: string;
  /** SSH port. */
  port: number;
  /** Path on the server, without the leading `/`. */
  path: string;
  /** Pinned host key, normalized to `key-type base64`. */
  hostKey: string;
  /** The key the gate authenticates with. */
  key: { provider: "static"; path: string };
  /** host → IP pins for the gate. */
  extraHosts: Record<string, string>;
}

/** The bottle's agent provider. */
export interface AgentProvider {
  /** Template name. */
  template: string;
  /** Whether the template is built in (else a contrib plugin). */
  builtin: boolean;
  /** Host env var holding the provider credential. */
  authToken?: string;
  /** Forward the host's Codex device-auth token. */
  forwardHostCredentials: boolean;
  /** Absolute path of a bottle-supplied Dockerfile (or `~/…` when no user home was given). */
  dockerfile?: string;
  /** The loaded contrib plugin (built-ins are found by name). */
  plugin?: Provider;
}

/** A bottle with its `extends` chain folded in. */
export interface ResolvedBottle {
  /** The bottle's name. */
  name: string;
  /** Path of its file. */
  path: string;
  /** Files folded, in order (parents first, this file last). */
  chain: string[];
  /** The Markdown body of this bottle's own file. */
  description: string;
  /** Environment of the agent. */
  env: Record<string, EnvValue>;
  /** Which agent runs. */
  agentProvider: AgentProvider;
  /** Commit identity and upstream repos. */
  gitGate: { user: GitUser; repos: Record<string, Repo> };
  /** Egress log level and routes; provider routes come first. */
  egress: { log: 0 | 1 | 2; routes: Route[] };
  /** Whether the supervise MCP server runs. */
  supervise: boolean;
  /** Memory, CPU and process caps of both containers (defaults filled in). */
  limits: BottleLimits;
  /** Things the user should know (printed as `bot-bottle: warning: …`). */
  warnings: string[];
}

/** An agent with its bottle resolved. */
export interface ResolvedAgent {
  /** The agent's name. */
  name: string;
  /** Path of its file. */
  path: string;
  /** Home or repo-local. */
  source: "home" | "repo";
  /** The Markdown body: the agent's system prompt. */
  prompt: string;
  /** Skill directory names. */
  skills: string[];
  /** The bottle it runs in. */
  bottle: ResolvedBottle;
  /** The bottle's identity overlaid with the agent's, per field. */
  gitUser: GitUser;
  /** The bottle's warnings and the loader's. */
  warnings: string[];
}
