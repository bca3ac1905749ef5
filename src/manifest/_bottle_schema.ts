/**
 * The bottle frontmatter schema, per file: every section is optional here because `extends`
 * merges files before the merged result is checked for what must be present.
 */
import { z } from "zod";
import { routeKeyHint, RouteListSchema, TOKEN_REF_PATTERN } from "../../core/routes/mod.ts";
import type { PathSegment } from "../../core/yaml_strict/mod.ts";
import { EnvSchema } from "./_env.ts";
import { GitGateLayerSchema } from "./_git_gate.ts";
import { LimitsLayerSchema } from "./_limits.ts";
import { NAME_PATTERN } from "./listing/mod.ts";

/** A bottle name in a manifest value. */
export const BottleNameSchema = z.string().regex(NAME_PATTERN, {
  error: "must be a bottle name: lower-case letters, digits and -, starting with a letter",
});

/** `agent_provider`, replaced as a whole by a later file that declares it. */
export const AgentProviderSchema = z.strictObject({
  template: z.string().regex(NAME_PATTERN, {
    error: "must be a template name (claude, codex, shell or a plugin name)",
  }).default("claude").describe("claude (default), codex, shell, or a contrib plugin name"),
  auth_token: z.string().regex(TOKEN_REF_PATTERN, {
    error: "must name a host environment variable: upper-case letters, digits and _",
  }).optional().describe(
    "Host env var holding the provider credential (providers whose provider.yaml declares one)",
  ),
  forward_host_credentials: z.boolean().default(false).describe(
    "Forward the host's Codex device-auth token through egress (codex only)",
  ),
  dockerfile: z.string().min(1, {
    error: "must not be empty: omit it to use the provider's image",
  }).refine((p) => !/\p{Cc}/u.test(p), {
    error: "must not contain control characters",
  }).optional().describe("A Dockerfile for the agent image, relative to the bottle file"),
}).describe("Which agent runs in the bottle");

/** A parsed `agent_provider`. */
export type AgentProviderLayer = z.infer<typeof AgentProviderSchema>;

/** One bottle file's frontmatter. */
export const BottleLayerSchema = z.strictObject({
  extends: z.union([BottleNameSchema, z.array(BottleNameSchema).min(1)], {
    error: "must be a bottle name or a list of bottle names",
  }).optional().describe("Parent bottles, folded left to right under this one"),
  env: EnvSchema.optional().describe("Environment of the agent"),
  agent_provider: AgentProviderSchema.optional().describe("Which agent runs in the bottle"),
  "git-gate": GitGateLayerSchema.optional().describe("Commit identity and upstream repos"),
  egress: z.strictObject({
    log: z.literal([0, 1, 2]).optional().describe(
      "0 refusals only (default), 1 also DLP warnings, 2 also every request",
    ),
    routes: RouteListSchema.optional().describe("Routes, concatenated across extends"),
  }).optional().describe("The egress proxy's routes and log level"),
  supervise: z.boolean().optional().describe("Run the supervise MCP server (default true)"),
  limits: LimitsLayerSchema.optional().describe(
    "Memory, CPU and process caps of the agent and sidecar containers",
  ),
}).describe("A bottle: the agent's environment, credentials, remotes and egress");

/** One bottle file's parsed frontmatter. */
export type BottleLayer = z.infer<typeof BottleLayerSchema>;

const RESERVED_TOP: Readonly<Record<string, string>> = Object.freeze({
  runtime: '"runtime" is reserved; the backend is chosen at start (--backend or ' +
    "BOT_BOTTLE_BACKEND)",
  ssh: '"ssh" is reserved; declare upstream remotes under git-gate.repos',
  tokens: '"tokens" is reserved; give each egress route auth: {scheme, token_ref}',
  cred_proxy: '"cred_proxy" is reserved; credentials are injected by egress routes ' +
    "(auth.token_ref)",
  git: '"git" was replaced by git-gate (git.user → git-gate.user, git.remotes → ' +
    "git-gate.repos)",
  skills: '"skills" belongs in an agent, not a bottle',
  bottle: '"bottle" belongs in an agent; a bottle composes others with extends',
});

const RESERVED_EGRESS: Readonly<Record<string, string>> = Object.freeze({
  allowlist: '"egress.allowlist" is reserved; list each host under egress.routes',
  dlp_action: '"egress.dlp_action" is reserved; set outbound_on_match on each route',
});

/**
 * Messages for reserved or renamed bottle keys.
 *
 * @param path Data path of the object holding the key.
 * @param key The unknown key.
 * @returns The message, or `undefined` for an ordinary unknown key.
 */
export function bottleKeyHint(path: readonly PathSegment[], key: string): string | undefined {
  if (path.length === 0) return RESERVED_TOP[key];
  if (path.length === 1 && path[0] === "egress") return RESERVED_EGRESS[key];
  if (path.length === 3 && path[0] === "egress" && path[1] === "routes") {
    return routeKeyHint(key);
  }
  if (path.length === 3 && path[0] === "git-gate" && key === "identity") {
    return '"identity" was replaced by key: {provider: static, path: …}';
  }
  return undefined;
}
