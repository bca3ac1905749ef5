/**
 * The built-in `demo` agent: a shell bottle with no credentials and a small read-only
 * allowlist, so a new user sees a working bottle before writing any manifest.
 */
import { DEFAULT_LIMITS, type ResolvedAgent } from "../manifest/mod.ts";

/** The demo agent's name. */
export const DEMO_AGENT = "demo";

/** Where the demo's manifest "is" in messages (it is built in, not a file). */
const BUILT_IN = "<built-in demo>";

/**
 * The demo agent, resolved.
 *
 * @returns A fresh copy (callers may not mutate a shared one).
 */
export function demoAgent(): ResolvedAgent {
  const readOnly = [{
    paths: [{ type: "prefix" as const, value: "/" }],
    methods: ["GET" as const, "HEAD" as const],
  }];
  return {
    name: DEMO_AGENT,
    path: BUILT_IN,
    source: "home",
    prompt: "A plain shell in a bottle: try curl https://example.com",
    skills: [],
    gitUser: {},
    warnings: [],
    bottle: {
      name: DEMO_AGENT,
      path: BUILT_IN,
      chain: [BUILT_IN],
      description: "Built-in demo bottle: a shell, no credentials, example.com and example.org",
      env: {},
      agentProvider: { template: "shell", builtin: true, forwardHostCredentials: false },
      gitGate: { user: {}, repos: {} },
      egress: {
        log: 1,
        routes: ["example.com", "example.org"].map((host) => ({
          host,
          matches: readOnly,
          outbound_on_match: "block" as const,
          inbound_on_secret: "redact" as const,
          allow_private: false,
        })),
      },
      supervise: false,
      limits: { agent: { ...DEFAULT_LIMITS.agent }, sidecar: { ...DEFAULT_LIMITS.sidecar } },
      warnings: [],
    },
  };
}
