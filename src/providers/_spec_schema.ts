/**
 * The `provider.yaml` schema (SPEC §7): an agent provider as data. The built-in providers
 * (`images/<name>/provider.yaml`) and user plugins (`~/.bot-bottle/contrib/<name>/provider.yaml`)
 * are read with this one schema, so a plugin author can start from a copy of a built-in.
 *
 * Nothing in it runs on the host: every command runs inside the bottle, as the non-root agent
 * user, as an argv array (never a shell string bot-bottle builds). A provider cannot weaken its
 * bottle: it cannot set an environment name bot-bottle owns, put something that looks like a real
 * secret in its environment, declare a route with `allow_private`, or inject a credential other
 * than the one the bottle names. The `features` it may reference are bot-bottle's own code; a
 * plugin may use them but cannot define new ones.
 */
import { z } from "zod";
import { RouteSchema, TOKEN_REF_PATTERN } from "../../core/routes/mod.ts";
import { AGENT_HOME, AGENT_WORKSPACE } from "../../core/sidecar_contract/mod.ts";
import { argvProblem, envNameProblem, envValueProblem, keepProblem } from "./_spec_checks.ts";

/** Placeholders an argv template may hold, each as a whole element. */
export const PLACEHOLDERS = Object.freeze({
  prompt_args: "{prompt_args}",
  prompt_file: "{prompt_file}",
  url: "{url}",
});

function argv(allowed: readonly string[], what: string) {
  return z.array(z.string(), { error: `must be a list of strings (${what}, one word each)` })
    .min(1, { error: `must not be empty: ${what}` })
    .superRefine((words, ctx) => {
      const problem = argvProblem(words, allowed);
      if (problem) ctx.addIssue({ code: "custom", message: problem.message, path: problem.path });
    });
}

const AgentPath = z.string().refine((p) => p.startsWith(`${AGENT_HOME}/`) && !p.includes(".."), {
  error: `must be an absolute path under ${AGENT_HOME}/ without ".."`,
});

const EnvName = z.string().superRefine((name, ctx) => {
  const message = envNameProblem(name);
  if (message) ctx.addIssue({ code: "custom", message });
});

/** How the agent file's body (the prompt) reaches the agent. */
export const PromptSchema = z.discriminatedUnion("mode", [
  z.strictObject({
    mode: z.literal("flag").describe("Written to `path`; `args` go where {prompt_args} stands"),
    path: AgentPath.describe("Where the prompt file is written in the agent"),
    args: argv([PLACEHOLDERS.prompt_file], "the flag and {prompt_file}").describe(
      "The arguments that pass the file, e.g. [--append-system-prompt-file, '{prompt_file}']",
    ),
  }),
  z.strictObject({
    mode: z.literal("file").describe("Written to `path`, which the agent reads by itself"),
    path: AgentPath.describe("Where the prompt file is written in the agent"),
  }),
  z.strictObject({
    mode: z.literal("stdin").describe("Written to `path` and given to the command on stdin"),
    path: AgentPath.describe("Where the prompt file is written in the agent"),
  }),
  z.strictObject({
    mode: z.literal("env").describe("Given to the agent in an environment variable"),
    variable: EnvName.describe("The variable holding the prompt text"),
  }),
  z.strictObject({ mode: z.literal("none").describe("The agent takes no prompt") }),
], { error: "must have mode: flag, file, stdin, env or none" });

const SCHEMES = ["Bearer", "token", "x-api-key"] as const;

/** The credential a provider's routes inject. */
export const CredentialSchema = z.strictObject({
  scheme: z.enum(SCHEMES).describe("How egress sends it: Bearer, token or x-api-key"),
  placeholder_env: EnvName.describe("The agent's variable that holds a placeholder in its place"),
  token_ref: z.string().regex(TOKEN_REF_PATTERN, {
    error: "must name a host environment variable: upper-case letters, digits and _",
  }).optional().describe(
    "Host variable holding the secret when the bottle names none in agent_provider.auth_token",
  ),
  api_key: z.strictObject({
    prefix: z.string().min(1).describe("A token starting with this is an API key"),
    scheme: z.enum(SCHEMES).describe("How egress sends an API key"),
    placeholder_env: EnvName.describe("The agent's variable for an API key's placeholder"),
  }).optional().describe("A second credential kind told apart by the token's prefix"),
}).describe("The provider's credential; the real value only ever reaches egress");

/** A provider route: a core egress route, plus which credential sources it injects. */
export const ProviderRouteSchema = RouteSchema.extend({
  outbound_on_match: z.enum(["supervise", "block", "redact"]).default("redact").describe(
    "What an outbound DLP match does (provider routes default to redact)",
  ),
  credential: z.array(z.enum(["auth_token", "host_login"])).optional().describe(
    "Inject the credential here: auth_token (the bottle's or credential.token_ref), " +
      "host_login (the host's forwarded login; needs features.host_login)",
  ),
}).superRefine((route, ctx) => {
  if (route.allow_private) {
    ctx.addIssue({
      code: "custom",
      path: ["allow_private"],
      message: "must not be true: a provider cannot reach private or loopback addresses",
    });
  }
  if (route.auth !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["auth"],
      message: "is not allowed on a provider route; write credential: [auth_token] and " +
        "declare the provider's credential",
    });
  }
});

/** The whole `provider.yaml`. */
export const ProviderSpecSchema = z.strictObject({
  description: z.string().min(1).describe("One line shown by list and info"),
  user: z.string().superRefine((user, ctx) => {
    if (user === "root" || user === "0") {
      ctx.addIssue({ code: "custom", message: "must not be root: the agent runs unprivileged" });
    } else if (user !== "agent") {
      ctx.addIssue({
        code: "custom",
        message: 'must be "agent", the non-root user (uid 1000) that agent-setup.sh creates',
      });
    }
  }).describe("The non-root user the agent runs as (agent)"),
  workdir: z.literal(AGENT_WORKSPACE, {
    error: `must be ${AGENT_WORKSPACE}, where the workspace is copied`,
  }).describe("The agent's working directory"),
  command: argv([PLACEHOLDERS.prompt_args], "the agent's command").describe(
    "The agent's default command; {prompt_args} stands for the prompt's args (flag mode)",
  ),
  resume: argv([PLACEHOLDERS.prompt_args], "the resume command").optional().describe(
    "The command `resume` runs (continue the last conversation); default: command",
  ),
  prompt: PromptSchema.default({ mode: "none" }).describe("How the agent file's body arrives"),
  skills_dir: AgentPath.optional().describe("Where `skills:` are copied; omit: no skills"),
  env: z.record(EnvName, z.string()).default({}).superRefine((env, ctx) => {
    for (const [name, value] of Object.entries(env)) {
      const message = envValueProblem(value);
      if (message) ctx.addIssue({ code: "custom", path: [name], message });
    }
  }).describe("Non-secret variables (telemetry off, the agent's home); placeholders only"),
  keep: z.array(
    z.string().superRefine((path, ctx) => {
      const message = keepProblem(path);
      if (message) ctx.addIssue({ code: "custom", message });
    }),
  ).default([]).describe("Paths under the agent's home kept with the state (the transcript)"),
  mcp: argv([PLACEHOLDERS.url], "the MCP registration command").optional().describe(
    "Registers the supervise MCP server; {url} is its URL, one whole element",
  ),
  credential: CredentialSchema.optional().describe("The credential its routes inject"),
  routes: z.array(ProviderRouteSchema).default([]).describe("Hosts the provider owns"),
  features: z.strictObject({
    first_run: z.enum(["claude", "codex"]).optional().describe(
      "bot-bottle's first-run files of that agent (onboarding, trust, telemetry off)",
    ),
    host_login: z.literal("codex").optional().describe(
      "forward_host_credentials: the host's Codex login, only its access token to egress",
    ),
  }).default({}).describe("Built-in code a provider may use; plugins cannot define new ones"),
}).superRefine((spec, ctx) => crossChecks(spec, ctx));

/** A validated `provider.yaml`. */
export type ProviderSpec = z.infer<typeof ProviderSpecSchema>;

/** A validated provider route. */
export type ProviderRoute = z.infer<typeof ProviderRouteSchema>;

function crossChecks(spec: z.infer<typeof ProviderSpecSchema>, ctx: z.core.$RefinementCtx) {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const flag = spec.prompt.mode === "flag";
  for (const key of ["command", "resume"] as const) {
    const has = spec[key]?.includes(PLACEHOLDERS.prompt_args) ?? flag;
    if (flag && !has) issue([key], "must contain {prompt_args}: prompt mode flag puts it there");
    if (!flag && spec[key]?.includes(PLACEHOLDERS.prompt_args)) {
      issue([key], "must not contain {prompt_args}: only prompt mode flag passes args");
    }
  }
  const seen = new Map<string, number>();
  spec.routes.forEach((route, index) => {
    const first = seen.get(route.host);
    if (first !== undefined) {
      issue(["routes", index, "host"], `repeats "${route.host}" (entry ${first}); merge them`);
    }
    seen.set(route.host, index);
    if (route.credential?.length && spec.credential === undefined) {
      issue(["routes", index, "credential"], "needs a top-level credential: to inject");
    }
    if (route.credential?.includes("host_login") && spec.features.host_login === undefined) {
      issue(["routes", index, "credential"], "host_login needs features.host_login");
    }
  });
  const placeholders = [
    spec.credential?.placeholder_env,
    spec.credential?.api_key?.placeholder_env,
  ];
  for (const name of placeholders) {
    if (name !== undefined && name in spec.env) {
      issue(["env", name], "is the credential's placeholder variable; remove it from env");
    }
  }
  if (spec.prompt.mode === "env" && spec.prompt.variable in spec.env) {
    issue(["env", spec.prompt.variable], "is the prompt's variable; remove it from env");
  }
}
