/**
 * Real coding agents in real bottles (issue 13): Claude Code and Codex, installed from npm into
 * their provider images, run on a copied project against the fake model APIs of the test
 * internet (`_harness/_fake_models.ts`). For each: the fake API gets the real credential and
 * never the placeholder, the prompt of the agent file arrives, the model's first turn calls the
 * supervise tool over MCP and its result comes back, the file the model asked for is written,
 * the skill and the project (with `.git`) are there, nothing in the agent holds the credential,
 * and `resume` continues the conversation.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { providerLaunch } from "../../src/plan/mod.ts";
import {
  DONE_TEXT,
  RESULT_CONTENT,
  RESULT_FILE,
  SUPERVISE_TOOL,
  TASK_ONE,
} from "./_harness/_fake_models.ts";
import {
  bottleLeftovers,
  CLEAN,
  type ModelRequest,
  runCli,
  startWorld,
  type World,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

/** What the agent file's body says, to be found in the model's system prompt. */
const PROMPT_MARKER = "BOT-BOTTLE-E2E-AGENT-PROMPT";
/** What the second run asks, after resume. */
const TASK_TWO = "BOT-BOTTLE-TASK-TWO";
/** The CA bundle of this host: image builds reach npm through its TLS-inspecting proxy. */
const HOST_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** One provider's case. */
interface Case {
  /** The step's name. */
  name: string;
  /** The agent's (and bottle's) name. */
  agent: string;
  /** The header the real credential arrives in, as sent (default: Authorization, Bearer). */
  sent?: (token: string) => Record<string, string>;
  template: "claude" | "codex";
  /** Forward the host's Codex login instead of an `auth_token`. */
  forward?: boolean;
  /** The model API's host. */
  host: string;
  /** Host variable and real value of the credential. */
  token: string;
  /** The agent's variable holding the placeholder (none with a forwarded login). */
  placeholderVar?: string;
  /** The first run, after the probes (`$1` is the task). */
  first: string[];
  /** The resumed run (`$1` is the task). */
  second: string[];
}

const CASES: Case[] = [
  {
    name: "claude with an OAuth token",
    agent: "claude-oauth",
    template: "claude",
    host: "api.anthropic.com",
    token: `sk-ant-oat01-e2e-${crypto.randomUUID().replaceAll("-", "")}`,
    placeholderVar: "CLAUDE_CODE_OAUTH_TOKEN",
    first: [...providerLaunch("claude").command({ prompt: true, resume: false }), "-p"],
    second: [...providerLaunch("claude").command({ prompt: true, resume: true }), "-p"],
  },
  {
    name: "claude with an API key",
    agent: "claude-key",
    template: "claude",
    host: "api.anthropic.com",
    token: `sk-ant-api03-e2e-${crypto.randomUUID().replaceAll("-", "")}`,
    placeholderVar: "ANTHROPIC_API_KEY",
    sent: (token) => ({ "x-api-key": token }),
    first: [...providerLaunch("claude").command({ prompt: true, resume: false }), "-p"],
    second: [...providerLaunch("claude").command({ prompt: true, resume: true }), "-p"],
  },
  {
    name: "codex with an API key",
    agent: "codex-key",
    template: "codex",
    host: "api.openai.com",
    token: `sk-proj-e2e-${crypto.randomUUID().replaceAll("-", "")}`,
    placeholderVar: "OPENAI_API_KEY",
    // `exec` is Codex's non-interactive form of the same command.
    first: ["codex", "exec", "--dangerously-bypass-approvals-and-sandbox"],
    second: ["codex", "exec", "resume", "--last", "--dangerously-bypass-approvals-and-sandbox"],
  },
  {
    name: "codex with the host's ChatGPT login forwarded",
    agent: "codex-login",
    template: "codex",
    forward: true,
    host: "chatgpt.com",
    token: hostAccessToken(),
    first: ["codex", "exec", "--dangerously-bypass-approvals-and-sandbox"],
    second: ["codex", "exec", "resume", "--last", "--dangerously-bypass-approvals-and-sandbox"],
  },
];

/** A ChatGPT access token as `codex login --device-auth` leaves it (unsigned here). */
function hostAccessToken(): string {
  const part = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  return [
    part({ alg: "RS256", typ: "JWT" }),
    part({
      exp: Math.floor(Date.now() / 1000) + 86_400,
      sub: `user-${crypto.randomUUID()}`,
      email: "someone@example.test",
      "https://api.openai.com/auth": {
        chatgpt_account_id: "acc-e2e",
        chatgpt_plan_type: "plus",
        chatgpt_user_id: "user-e2e",
      },
    }),
    crypto.randomUUID().replaceAll("-", ""),
  ].join(".");
}

Deno.test("claude and codex run in bottles against the fake model APIs, end to end", async (t) => {
  await using world = await startWorld("providers");
  const project = await makeProject(world);
  const skills = join(world.dir, "user-home", ".claude", "skills", "e2e-skill");
  await Deno.mkdir(skills, { recursive: true });
  await Deno.writeTextFile(join(skills, "SKILL.md"), "---\nname: e2e-skill\n---\nA test skill.\n");
  for (const c of CASES) {
    await t.step(`${c.name}: task, MCP tool, file, credentials, resume`, async () => {
      await runCase(world, project, c);
    });
  }
});

async function runCase(world: World, project: string, c: Case): Promise<void> {
  const agent = c.agent;
  const tokenVar = `E2E_${agent.toUpperCase().replaceAll("-", "_")}_TOKEN`;
  await writeBottle(world, agent, {
    agent_provider: c.forward
      ? { template: c.template, forward_host_credentials: true }
      : { template: c.template, auth_token: tokenVar },
    supervise: true,
  });
  if (c.forward) {
    const codexHome = join(world.dir, "user-home", ".codex");
    await Deno.mkdir(codexHome, { recursive: true });
    await Deno.writeTextFile(
      join(codexHome, "auth.json"),
      JSON.stringify({
        auth_mode: "chatgpt",
        OPENAI_API_KEY: null,
        tokens: {
          id_token: c.token,
          access_token: c.token,
          refresh_token: `rt_${crypto.randomUUID()}`,
          account_id: "acc-e2e",
        },
        last_refresh: new Date().toISOString(),
      }),
    );
  }
  await writeAgent(world, agent, { bottle: agent, skills: ["e2e-skill"] }, `${PROMPT_MARKER}\n`);
  const env = {
    [tokenVar]: c.token,
    BOT_BOTTLE_AGENT_BASE_IMAGE: world.nodeImage,
    BOT_BOTTLE_BUILD_CA_FILE: HOST_CA_BUNDLE,
    BOT_BOTTLE_EGRESS_CONNECT_TO: `${world.cliEnv.BOT_BOTTLE_EGRESS_CONNECT_TO},` +
      `${c.host}:443=${world.upstreamIp}:443`,
  };
  const before = (await world.modelRequests()).length;
  // The agent's run, then probes of what it left, then exit 3 so the state (workspace and
  // transcript) is kept for resume.
  const probe = [
    // Its output goes through a file: processes it leaves behind must not write into the probes'.
    `"$@" "${TASK_ONE}: list the egress routes, then write the file" >/tmp/agent.out 2>&1`,
    `echo "agent-exit=$?"; cat /tmp/agent.out`,
    `echo "result=$(cat ${RESULT_FILE})"`,
    `test -f "$HOME/${
      c.template === "claude" ? ".claude" : ".codex"
    }/skills/e2e-skill/SKILL.md" && echo skill=yes`,
    `git log --format=commit=%s -1`,
    `echo "placeholder=$${c.placeholderVar ?? "CODEX_HOME"}"`,
    // Everything the agent holds, for the host to search for the real credential.
    `echo "held=$( (cat /proc/[0-9]*/environ /proc/[0-9]*/cmdline; grep -rsh . "$HOME" /tmp) 2>/dev/null | gzip | base64 -w0)"`,
    "exit 3",
  ].join("\n");
  const first = await runCli(world, [
    "start",
    agent,
    "--yes",
    "--cwd",
    project,
    "--",
    "sh",
    "-c",
    probe,
    "probe",
    ...c.first,
  ], { env, timeoutMs: 15 * 60_000 });
  const out = first.stdout + first.stderr;
  const slug = out.match(/bot-bottle resume ([a-z][a-z0-9-]*)/)?.[1];
  assert.ok(slug !== undefined, `no resume hint:\n${out}`);
  world.track(slug);
  assert.equal(first.code, 3, out);
  assert.match(first.stdout, /agent-exit=0/, out);
  assert.match(first.stdout, new RegExp(DONE_TEXT), out);
  assert.match(first.stdout, new RegExp(`result=${RESULT_CONTENT}`), out);
  assert.match(first.stdout, /skill=yes/, out);
  assert.match(first.stdout, /commit=the project's first commit/, out);
  assert.match(
    first.stdout,
    c.placeholderVar === undefined
      ? /placeholder=\/home\/agent\/.codex/
      : /placeholder=bot-bottle-placeholder/,
    out,
  );
  const held = await gunzip(first.stdout.match(/held=(\S+)/)?.[1] ?? "");
  assert.ok(held.length > 1000, "the probe dumped nothing");
  assert.ok(!held.includes(c.token), "the agent holds the real credential");

  const requests = (await world.modelRequests()).slice(before).filter((r) => r.host === c.host);
  assert.ok(requests.length >= 3, `the fake API saw ${requests.length} requests:\n${out}`);
  for (const r of requests) {
    const sent = (c.sent ?? ((token) => ({ authorization: `Bearer ${token}` })))(c.token);
    const credentials = {
      authorization: r.headers["authorization"],
      "x-api-key": r.headers["x-api-key"],
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(credentials).filter(([, v]) => v !== undefined)),
      sent,
      `${r.path}: the real credential, alone, in the provider's header`,
    );
    assert.ok(
      !JSON.stringify(r).includes("bot-bottle-placeholder"),
      "a placeholder reached the API",
    );
  }
  const tasked = requests.filter((r) => JSON.stringify(r.body).includes(TASK_ONE));
  assert.ok(tasked.some((r) => JSON.stringify(r.body).includes(PROMPT_MARKER)), "prompt missing");
  // The supervise tool's result (the live routes file names the provider's host) came back.
  assert.ok(
    tasked.some((r) => toolResultMentions(r, c.host)),
    `no request carried the ${SUPERVISE_TOOL} result`,
  );

  const resumed = await runCli(world, [
    "resume",
    slug,
    "--yes",
    "--",
    ...c.second,
    `${TASK_TWO}: what did I ask first?`,
  ], { env, timeoutMs: 10 * 60_000 });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const later = (await world.modelRequests()).filter((r) =>
    r.host === c.host && JSON.stringify(r.body).includes(TASK_TWO)
  );
  assert.ok(later.length > 0, "the resumed agent sent no request");
  assert.ok(
    later.some((r) => JSON.stringify(r.body).includes(TASK_ONE)),
    "the resumed conversation does not carry the first turn",
  );
  assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
}

/** Whether a request carries a tool result that mentions `text`. */
function toolResultMentions(r: ModelRequest, text: string): boolean {
  const items = JSON.stringify(r.body);
  const result = /"type":"(tool_result|custom_tool_call_output|function_call_output)"/;
  return result.test(items) && items.includes(`host: ${text}`);
}

async function gunzip(base64: string): Promise<string> {
  const bytes = Uint8Array.from(atob(base64), (ch) => ch.charCodeAt(0));
  const stream = ReadableStream.from([bytes]).pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/** A small git project, copied into each bottle's workspace. */
async function makeProject(world: World): Promise<string> {
  const dir = join(world.dir, "project");
  await Deno.mkdir(dir);
  await Deno.writeTextFile(join(dir, "README.md"), "# e2e project\n");
  const git = async (...args: string[]) => {
    const out = await new Deno.Command("git", {
      args: ["-C", dir, "-c", "user.name=e2e", "-c", "user.email=e2e@example.test", ...args],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`git ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    }
  };
  await git("init", "-q");
  await git("add", "README.md");
  await git("commit", "-q", "-m", "the project's first commit");
  return dir;
}
