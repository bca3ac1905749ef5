import assert from "node:assert/strict";
import { stringify } from "yaml";
import { parseProviderSpec, type Provider } from "../providers/mod.ts";
import { providerLaunch } from "./mod.ts";

const CLAUDE_RESUME = 'if ls "$HOME"/.claude/projects/*/*.jsonl >/dev/null 2>&1; then ' +
  'exec claude --continue "$@"; fi; exec claude "$@"';

Deno.test("providerLaunch() gives the built-ins' commands from their provider.yaml", () => {
  const claude = providerLaunch("claude");
  const prompt = ["--append-system-prompt-file", "/home/agent/.bot-bottle/prompt.md"];
  assert.deepEqual(claude.command({ prompt: false, resume: false }), [
    "claude",
    "--dangerously-skip-permissions",
  ]);
  assert.deepEqual(claude.command({ prompt: true, resume: false }), [
    "claude",
    "--dangerously-skip-permissions",
    ...prompt,
  ]);
  assert.deepEqual(claude.command({ prompt: true, resume: true }), [
    "sh",
    "-c",
    CLAUDE_RESUME,
    "claude",
    "--dangerously-skip-permissions",
    ...prompt,
  ]);
  assert.deepEqual(claude.registerMcp?.("http://s:9100/mcp"), [
    "claude",
    "mcp",
    "add",
    "--scope",
    "user",
    "--transport",
    "http",
    "supervise",
    "http://s:9100/mcp",
  ]);
  const codex = providerLaunch("codex");
  assert.deepEqual(codex.command({ prompt: true, resume: true }), [
    "codex",
    "resume",
    "--last",
    "--dangerously-bypass-approvals-and-sandbox",
  ]);
  assert.equal(codex.promptFile, "/home/agent/.codex/AGENTS.md");
  assert.deepEqual(codex.registerMcp?.("u"), ["codex", "mcp", "add", "supervise", "--url", "u"]);
  assert.deepEqual(providerLaunch("shell").command({ prompt: true, resume: true }), ["bash", "-l"]);
});

function plugin(prompt: unknown): Provider {
  const spec = parseProviderSpec(
    stringify({
      description: "d",
      user: "agent",
      workdir: "/home/agent/workspace",
      command: ["agent", "--go"],
      prompt,
    }),
    "/p.yaml",
    "p",
  );
  return {
    name: "p",
    origin: "contrib",
    folder: "/c/p",
    dockerfile: "file:///c/p/Dockerfile",
    spec,
  };
}

Deno.test("providerLaunch() passes the prompt by file, stdin or env as provider.yaml says", () => {
  const file = providerLaunch(plugin({ mode: "file", path: "/home/agent/p.md" }));
  assert.deepEqual(file.command({ prompt: true, resume: false }), ["agent", "--go"]);
  assert.equal(file.promptFile, "/home/agent/p.md");
  const stdin = providerLaunch(plugin({ mode: "stdin", path: "/home/agent/p.md" }));
  assert.deepEqual(stdin.command({ prompt: true, resume: true }), [
    "sh",
    "-c",
    'exec "$@" < "$0"',
    "/home/agent/p.md",
    "agent",
    "--go",
  ]);
  assert.deepEqual(stdin.command({ prompt: false, resume: false }), ["agent", "--go"]);
  const env = providerLaunch(plugin({ mode: "env", variable: "AGENT_PROMPT" }));
  assert.equal(env.promptEnv, "AGENT_PROMPT");
  assert.equal(env.promptFile, undefined);
  assert.equal(env.dockerfile, "file:///c/p/Dockerfile");
  assert.equal(providerLaunch(plugin({ mode: "none" })).registerMcp, undefined);
});
