import assert from "node:assert/strict";
import { join } from "node:path";
import { ConfigError } from "../../core/errors/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { providerRoutes } from "../providers/mod.ts";
import { buildPlan, demoAgent, resolveSecrets } from "./mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });
const base = { slug: "dev-abc123", label: "dev", cwd: "/work", paths, hostEnv: {} };

/** The demo agent turned into a bottle of `template`, its provider routes folded in. */
function agentOf(
  template: "claude" | "codex",
  options: { authToken?: string; forward?: boolean; prompt?: string; skills?: string[] } = {},
): ResolvedAgent {
  const agent = demoAgent();
  agent.bottle.agentProvider = {
    template,
    builtin: true,
    forwardHostCredentials: options.forward === true,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
  };
  agent.bottle.egress.routes = providerRoutes({
    template,
    authToken: options.authToken,
    forwardHostCredentials: options.forward,
  });
  agent.bottle.supervise = true;
  agent.prompt = options.prompt ?? "Be careful.";
  agent.skills = options.skills ?? [];
  return agent;
}

function file(plan: ReturnType<typeof buildPlan>, path: string): string {
  const found = plan.provider.files.find((f) => f.path === path);
  assert.ok(found, `no ${path} among ${plan.provider.files.map((f) => f.path).join(", ")}`);
  return found.content;
}

Deno.test("buildPlan() for claude with an OAuth token: Bearer route, placeholder, no telemetry", () => {
  const plan = buildPlan(agentOf("claude", { authToken: "CLAUDE_TOKEN" }), {
    ...base,
    hostEnv: { CLAUDE_TOKEN: "sk-ant-oat01-real-token-value" },
  });
  assert.equal(plan.credential, "oauth");
  assert.deepEqual(plan.routes[0]?.auth, { scheme: "Bearer", token_ref: "EGRESS_TOKEN_1" });
  assert.equal(
    plan.provider.env.CLAUDE_CODE_OAUTH_TOKEN?.startsWith("bot-bottle-placeholder"),
    true,
  );
  assert.equal(plan.provider.env.ANTHROPIC_API_KEY, undefined);
  assert.equal(plan.provider.env.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, "1");
  assert.equal(plan.provider.env.DISABLE_TELEMETRY, "1");
  assert.equal(plan.provider.env.CLAUDE_CODE_DISABLE_TERMINAL_TITLE, "1");
  assert.ok(!JSON.stringify(plan).includes("sk-ant-oat01-real-token-value"), "no secret in a plan");
  assert.deepEqual(plan.command, [
    "claude",
    "--dangerously-skip-permissions",
    "--append-system-prompt-file",
    "/home/agent/.bot-bottle/prompt.md",
  ]);
  assert.equal(file(plan, "/home/agent/.bot-bottle/prompt.md"), "Be careful.\n");
  const state = JSON.parse(file(plan, "/home/agent/.claude.json"));
  assert.equal(state.hasCompletedOnboarding, true);
  assert.equal(state.bypassPermissionsModeAccepted, true);
  assert.equal(state.projects["/home/agent/workspace"].hasTrustDialogAccepted, true);
  assert.equal(state.customApiKeyResponses, undefined);
  const settings = JSON.parse(file(plan, "/home/agent/.claude/settings.json"));
  assert.match(settings.statusLine.command, /bottle: dev/);
  assert.deepEqual(plan.provider.keep, [".claude", ".claude.json"]);
});

Deno.test("buildPlan() for claude with an API key: x-api-key route and ANTHROPIC_API_KEY", () => {
  const plan = buildPlan(agentOf("claude", { authToken: "KEY" }), {
    ...base,
    hostEnv: { KEY: "sk-ant-api03-real-key" },
  });
  assert.equal(plan.credential, "api_key");
  assert.deepEqual(plan.routes[0]?.auth, { scheme: "x-api-key", token_ref: "EGRESS_TOKEN_1" });
  const placeholder = plan.provider.env.ANTHROPIC_API_KEY ?? "";
  assert.ok(placeholder.startsWith("bot-bottle-placeholder"));
  assert.equal(plan.provider.env.CLAUDE_CODE_OAUTH_TOKEN, undefined);
  // Claude Code would otherwise ask whether to use the key it found.
  const state = JSON.parse(file(plan, "/home/agent/.claude.json"));
  assert.deepEqual(state.customApiKeyResponses.approved, [placeholder.slice(-20)]);
});

Deno.test("buildPlan() for claude: no prompt flag without a prompt, --continue on resume", () => {
  const silent = buildPlan(agentOf("claude", { prompt: "  " }), base);
  assert.deepEqual(silent.command, ["claude", "--dangerously-skip-permissions"]);
  assert.ok(!silent.provider.files.some((f) => f.path.endsWith("prompt.md")));
  const resumed = buildPlan(agentOf("claude"), { ...base, resume: true });
  assert.equal(resumed.command[0], "sh");
  assert.match(resumed.command[2] ?? "", /claude --continue "\$@"/);
  assert.match(
    resumed.command[2] ?? "",
    /exec claude "\$@"$/,
    "a fresh start without a transcript",
  );
  assert.deepEqual(resumed.command.slice(4), [
    "--dangerously-skip-permissions",
    "--append-system-prompt-file",
    "/home/agent/.bot-bottle/prompt.md",
  ]);
  const explicit = buildPlan(agentOf("claude"), { ...base, command: ["bash"] });
  assert.deepEqual(explicit.command, ["bash"], "-- <cmd> replaces the provider's command");
});

Deno.test("buildPlan() for codex with an API key: its own provider entry, trusted workspace", () => {
  const plan = buildPlan(agentOf("codex", { authToken: "OPENAI_KEY" }), base);
  assert.equal(plan.credential, "api_key");
  assert.deepEqual(plan.command, ["codex", "--dangerously-bypass-approvals-and-sandbox"]);
  assert.equal(plan.provider.env.CODEX_HOME, "/home/agent/.codex");
  assert.ok(plan.provider.env.OPENAI_API_KEY?.startsWith("bot-bottle-placeholder"));
  const config = file(plan, "/home/agent/.codex/config.toml");
  assert.match(config, /^model_provider = "bot-bottle"$/m);
  assert.match(config, /^base_url = "https:\/\/api\.openai\.com\/v1"$/m);
  assert.match(config, /^env_key = "OPENAI_API_KEY"$/m);
  assert.match(config, /^supports_websockets = false$/m);
  assert.match(config, /^\[projects\."\/home\/agent\/workspace"\]\ntrust_level = "trusted"$/m);
  assert.match(config, /^check_for_update_on_startup = false$/m);
  assert.match(config, /^\[tui\]\nterminal_title = \[\]$/m, "the title stays bot-bottle's");
  assert.equal(file(plan, "/home/agent/.codex/AGENTS.md"), "Be careful.\n");
  const resumed = buildPlan(agentOf("codex"), { ...base, resume: true });
  assert.deepEqual(resumed.command, [
    "codex",
    "resume",
    "--last",
    "--dangerously-bypass-approvals-and-sandbox",
  ]);
});

Deno.test("buildPlan() for codex with host credentials: ChatGPT's endpoint, no placeholder env", () => {
  const plan = buildPlan(agentOf("codex", { forward: true }), base);
  assert.equal(plan.credential, "device");
  assert.equal(plan.provider.env.OPENAI_API_KEY, undefined);
  const config = file(plan, "/home/agent/.codex/config.toml");
  assert.match(config, /^base_url = "https:\/\/chatgpt\.com\/backend-api\/codex"$/m);
  assert.match(config, /^requires_openai_auth = true$/m);
  assert.deepEqual(
    plan.tokenSlots.map((s) => s.from),
    ["BOT_BOTTLE_CODEX_HOST_ACCESS_TOKEN"],
    "one slot for both of Codex's hosts",
  );
});

Deno.test("buildPlan() refuses env that the provider sets itself", () => {
  const agent = agentOf("claude", { authToken: "T" });
  agent.bottle.env = { CLAUDE_CODE_OAUTH_TOKEN: { kind: "literal", value: "mine" } };
  assert.throws(() => buildPlan(agent, base), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /env CLAUDE_CODE_OAUTH_TOKEN is set by the "claude" provider/);
    return true;
  });
});

Deno.test("buildPlan() copies skills from ~/.claude/skills and names a missing one", async () => {
  const home = await Deno.makeTempDir({ prefix: "bb-skills-" });
  try {
    await Deno.mkdir(join(home, ".claude", "skills", "review"), { recursive: true });
    const hostEnv = { HOME: home };
    const plan = buildPlan(agentOf("claude", { skills: ["review"] }), { ...base, hostEnv });
    assert.deepEqual(plan.provider.skills, [{
      name: "review",
      source: join(home, ".claude", "skills", "review"),
      target: "/home/agent/.claude/skills/review",
    }]);
    const codex = buildPlan(agentOf("codex", { skills: ["review"] }), { ...base, hostEnv });
    assert.equal(codex.provider.skills[0]?.target, "/home/agent/.codex/skills/review");
    assert.throws(
      () => buildPlan(agentOf("claude", { skills: ["review", "gone"] }), { ...base, hostEnv }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /skill "gone" has no folder at .*\.claude\/skills\/gone/);
        return true;
      },
    );
    const shell = demoAgent();
    shell.skills = ["review"];
    assert.throws(() => buildPlan(shell, { ...base, hostEnv }), /provider "shell" has no skills/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

function fixtureJwt(exp: number): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return `${part({ alg: "RS256" })}.${
    part({ exp, sub: "user-secret-sub" })
  }.c2lnbmF0dXJlLXNlY3JldA`;
}

Deno.test("resolveSecrets() forwards the host's Codex login: the token to egress, a dummy inside", async () => {
  const codexHome = await Deno.makeTempDir({ prefix: "bb-codex-" });
  try {
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const access = fixtureJwt(exp);
    await Deno.writeTextFile(
      join(codexHome, "auth.json"),
      JSON.stringify({
        auth_mode: "chatgpt",
        tokens: { access_token: access, id_token: access, refresh_token: "rt_secret_refresh" },
      }),
    );
    const hostEnv = { CODEX_HOME: codexHome };
    const plan = buildPlan(agentOf("codex", { forward: true }), { ...base, hostEnv });
    const secrets = await resolveSecrets(plan, {}, { hostEnv, prompt: () => Promise.reject() });
    assert.deepEqual(secrets.tokens, { EGRESS_TOKEN_1: access });
    assert.deepEqual(secrets.agentFiles.map((f) => f.path), ["/home/agent/.codex/auth.json"]);
    const dummy = secrets.agentFiles[0]?.content ?? "";
    assert.ok(!dummy.includes(access) && !dummy.includes("rt_secret_refresh"));
    const dummyAccess = JSON.parse(dummy).tokens.access_token as string;
    const payload = JSON.parse(
      atob(dummyAccess.split(".")[1]!.replaceAll("-", "+").replaceAll("_", "/")),
    );
    assert.equal(payload.exp, exp, "Codex sees when the real token expires");

    await Deno.writeTextFile(
      join(codexHome, "auth.json"),
      JSON.stringify({ auth_mode: "chatgpt", tokens: { access_token: fixtureJwt(1000) } }),
    );
    await assert.rejects(
      resolveSecrets(plan, {}, { hostEnv, prompt: () => Promise.reject() }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /codex host credentials: .*expired/);
        return true;
      },
    );
  } finally {
    await Deno.remove(codexHome, { recursive: true });
  }
});

Deno.test("buildPlan() for claude: the statusline prints the bottle's label, in its colour", async () => {
  const statusline = async (color?: string) => {
    const plan = buildPlan(agentOf("claude"), {
      ...base,
      label: "it's-dev",
      ...(color === undefined ? {} : { color }),
    });
    const settings = JSON.parse(file(plan, "/home/agent/.claude/settings.json"));
    const out = await new Deno.Command("sh", { args: ["-c", settings.statusLine.command] })
      .output();
    return new TextDecoder().decode(out.stdout);
  };
  assert.equal(await statusline(), "[bottle: it's-dev]");
  assert.equal(await statusline("blue"), "\x1b[34m[bottle: it's-dev]\x1b[0m");
});
