/**
 * The agent frontmatter schema. An agent may come from a repository, which is outside the trust
 * boundary (SPEC §1.4), so it can only pick a bottle, name skills and claim a commit identity:
 * repos, routes, env and credentials belong in a bottle under `$HOME`.
 */
import { z } from "zod";
import type { PathSegment } from "../../core/yaml_strict/mod.ts";
import { BottleNameSchema } from "./_bottle_schema.ts";
import { SAFE_NAME_PATTERN } from "../../core/git_gate/mod.ts";
import { GitUserSchema } from "./_git_gate.ts";

const IGNORED = "Claude Code subagent field; accepted and ignored";

/** One agent file's frontmatter. */
export const AgentSchema = z.strictObject({
  bottle: BottleNameSchema.describe("The bottle (in ~/.bot-bottle/bottles/) this agent runs in"),
  skills: z.array(
    z.string().regex(SAFE_NAME_PATTERN, {
      error: "must be a skill directory name: letters, digits, ., _ and -, starting with a " +
        "letter, digit or _",
    }),
  ).superRefine((skills, ctx) => {
    const i = skills.findIndex((s, j) => skills.indexOf(s) !== j);
    if (i >= 0) ctx.addIssue({ code: "custom", path: [i], message: "is listed twice" });
  }).optional().describe("Skills copied from ~/.claude/skills/ into the bottle"),
  "git-gate": z.strictObject({
    user: GitUserSchema.optional().describe("Overlays the bottle's commit identity per field"),
  }).optional().describe("Only git-gate.user is allowed on an agent"),
  name: z.unknown().optional().describe(IGNORED),
  description: z.unknown().optional().describe(IGNORED),
  model: z.unknown().optional().describe(IGNORED),
  color: z.unknown().optional().describe(IGNORED),
  memory: z.unknown().optional().describe(IGNORED),
}).describe("An agent: a prompt, a bottle and skills");

/** One agent file's parsed frontmatter. */
export type AgentLayer = z.infer<typeof AgentSchema>;

const BOTTLE_ONLY: readonly string[] = Object.freeze([
  "env",
  "egress",
  "routes",
  "repos",
  "credentials",
  "tokens",
  "agent_provider",
  "extends",
  "supervise",
]);

/**
 * Messages for keys an agent may not declare.
 *
 * @param path Data path of the object holding the key.
 * @param key The unknown key.
 * @returns The message, or `undefined` for an ordinary unknown key.
 */
export function agentKeyHint(path: readonly PathSegment[], key: string): string | undefined {
  if (path.length === 0 && BOTTLE_ONLY.includes(key)) {
    return `"${key}" belongs in a bottle, not an agent: agents cannot declare env, repos, ` +
      "routes or credentials (a repository may ship agents, never bottles)";
  }
  if (path.length === 1 && path[0] === "git-gate") {
    return `"git-gate.${key}" belongs in a bottle: an agent may only set git-gate.user ` +
      "(name, email)";
  }
  return undefined;
}
