import assert from "node:assert/strict";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent, type LaunchSecrets } from "../plan/mod.ts";
import { providerRoutes } from "../providers/mod.ts";
import { setupProvider } from "./_provider_setup.ts";
import { LaunchError } from "./launch_error.ts";
import { runningAgent, simulatedAgent } from "./testing/mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });

function plan(
  template: "claude" | "codex",
  options: { supervise?: boolean; forward?: boolean } = {},
) {
  const agent = demoAgent();
  agent.bottle.agentProvider = {
    template,
    builtin: true,
    forwardHostCredentials: options.forward === true,
  };
  agent.bottle.egress.routes = providerRoutes({
    template,
    forwardHostCredentials: options.forward,
  });
  agent.bottle.supervise = options.supervise ?? true;
  agent.prompt = "Mind the bottle.";
  return buildPlan(agent, { slug: "p-1", label: "p", cwd: "/w", paths, hostEnv: {} });
}

const SECRETS: LaunchSecrets = { agentEnv: {}, tokens: {}, canary: "c", agentFiles: [] };

/** Runs setupProvider against a simulated agent; returns what ran, files by path, and progress. */
async function run(
  p: ReturnType<typeof plan>,
  options: { fail?: (argv: readonly string[]) => boolean; secrets?: LaunchSecrets } = {},
) {
  const ran: string[][] = [];
  const files = new Map<string, string>();
  const backend = runningAgent(
    "p-1",
    simulatedAgent({
      command: async (_slug, argv, execOptions) => {
        ran.push([...argv]);
        if (argv[0] === "sh" && execOptions.stdin !== undefined) {
          files.set(argv[4]!, await new Response(execOptions.stdin).text());
        }
        return options.fail?.(argv) === true ? 1 : 0;
      },
    }),
  );
  const progress: string[] = [];
  await setupProvider(backend, p, options.secrets ?? SECRETS, (line) => progress.push(line));
  return { ran, files, progress };
}

Deno.test("setupProvider() writes claude's first-run files and registers supervise as the agent", async () => {
  const { ran, files, progress } = await run(plan("claude"));
  assert.deepEqual([...files.keys()], [
    "/home/agent/.claude.json",
    "/home/agent/.claude/settings.json",
    "/home/agent/.bot-bottle/prompt.md",
  ]);
  assert.equal(files.get("/home/agent/.bot-bottle/prompt.md"), "Mind the bottle.\n");
  const register = ran.find((argv) => argv[0] === "claude");
  assert.deepEqual(register, [
    "claude",
    "mcp",
    "add",
    "--scope",
    "user",
    "--transport",
    "http",
    "supervise",
    "http://bot-bottle-sidecar:9100/mcp",
  ]);
  assert.deepEqual(progress, []);
});

Deno.test("setupProvider() registers nothing without supervise, and codex its own way", async () => {
  const quiet = await run(plan("claude", { supervise: false }));
  assert.ok(!quiet.ran.some((argv) => argv.includes("mcp")));
  const codex = await run(plan("codex"));
  assert.deepEqual(
    codex.ran.find((argv) => argv[0] === "codex"),
    ["codex", "mcp", "add", "supervise", "--url", "http://bot-bottle-sidecar:9100/mcp"],
  );
  assert.ok(codex.files.has("/home/agent/.codex/config.toml"));
  assert.ok(!codex.ran.some((argv) => argv.includes("login")), "no login check for an API key");
});

Deno.test("setupProvider() warns with the command to run by hand when registration fails", async () => {
  const { progress } = await run(plan("claude"), { fail: (argv) => argv[0] === "claude" });
  assert.equal(progress.length, 1);
  assert.match(progress[0]!, /warning: registering the supervise MCP server failed \(exit 1\)/);
  assert.match(progress[0]!, /bot-bottle exec p-1 -- claude mcp add --scope user/);
});

Deno.test("setupProvider() fails the launch when a file cannot be written or Codex refuses its login", async () => {
  await assert.rejects(
    run(plan("claude"), { fail: (argv) => argv[0] === "sh" }),
    (err: unknown) =>
      err instanceof LaunchError && /Cannot write \/home\/agent\/.claude.json/.test(err.message),
  );
  const device = plan("codex", { forward: true });
  const secrets = {
    ...SECRETS,
    agentFiles: [{ path: "/home/agent/.codex/auth.json", content: "{}\n" }],
  };
  const ok = await run(device, { secrets });
  assert.equal(ok.files.get("/home/agent/.codex/auth.json"), "{}\n");
  assert.ok(ok.ran.some((argv) => argv.join(" ") === "codex login status"));
  await assert.rejects(
    run(device, { secrets, fail: (argv) => argv.includes("login") }),
    (err: unknown) => err instanceof LaunchError && /Codex does not accept it/.test(err.message),
  );
});
