/**
 * Supervise end to end (SPEC §6.3, issue 5): inside a running bottle a request to a new host is
 * refused; the agent asks for it with the `egress-allow` MCP tool (the official SDK client, run
 * inside the bottle); the operator approves with `bot-bottle supervise approve`; the same request
 * then succeeds in the same bottle, and the audit log has the decision.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  agentCurl,
  blockBody,
  dockerOk,
  execIn,
  REPO,
  runCli,
  showCurl,
  startWorld,
  UPSTREAM_PAGE_MARKER,
  type World,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

const AGENT = "asker";
const SUPERVISE_URL = "http://bot-bottle-sidecar:9100/mcp";
const CLIENT_IN_BOTTLE = "/tmp/mcp_client.js";

/** The SDK client as one file: the bottle cannot reach a registry. */
async function bundleClient(dir: string): Promise<string> {
  const out = join(dir, "mcp_client.js");
  const bundled = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--frozen-lockfile",
      "--config",
      join(REPO, "deno.json"),
      "-o",
      out,
      join(REPO, "tests", "e2e", "_mcp", "mcp_client.ts"),
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(bundled.code, 0, new TextDecoder().decode(bundled.stderr));
  return out;
}

async function callTool(
  world: World,
  slug: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string }> {
  const result = await execIn(world, slug, [
    "deno",
    "run",
    "--quiet",
    "--allow-net",
    "--allow-env",
    CLIENT_IN_BOTTLE,
    SUPERVISE_URL,
    tool,
    JSON.stringify(args),
  ]);
  assert.equal(result.code, 0, `${tool}: ${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1)!);
}

async function pendingIds(world: World): Promise<string[]> {
  const listed = await runCli(world, ["supervise", "list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  return (JSON.parse(listed.stdout) as { id: string }[]).map((p) => p.id);
}

Deno.test("an agent asks for a host over MCP, the operator approves, the bottle reaches it", async () => {
  await using world = await startWorld("supervise");
  await writeBottle(world, AGENT, {
    agent_provider: { template: "shell" },
    supervise: true,
    egress: { log: 1, routes: [{ host: "example.com" }] },
  });
  await writeAgent(world, AGENT, { bottle: AGENT });
  // The agent image needs deno for the SDK client: build it on the offline Deno base.
  const env = { BOT_BOTTLE_AGENT_BASE_IMAGE: `bot-bottle-test/deno:${Deno.version.deno}` };
  const started = await runCli(world, ["start", AGENT, "--yes", "--detach"], { env });
  const slug = started.stdout.trim().split("\n").at(-1) ?? "";
  assert.equal(started.code, 0, started.stderr);
  world.track(slug);

  const before = await agentCurl(world, slug, ["https://example.org/"]);
  assert.equal(before.status, 403, showCurl(before));
  assert.equal(blockBody(before.body)?.rule, "no_route", showCurl(before));

  const client = await bundleClient(world.dir);
  await dockerOk(["cp", client, `bot-bottle-${slug}:${CLIENT_IN_BOTTLE}`]);
  const listed = await callTool(world, slug, "list-egress-routes", {});
  assert.equal(listed.isError, false, listed.text);
  assert.match(listed.text, /host: example\.com/);

  const proposed = "routes:\n  - host: example.com\n  - host: example.org\n";
  const asking = callTool(world, slug, "egress-allow", {
    routes_yaml: proposed,
    justification: "the docs live on example.org",
  });
  let ids: string[] = [];
  for (let i = 0; i < 100 && ids.length === 0; i++) {
    ids = await pendingIds(world);
    if (ids.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal(ids.length, 1, "the proposal reached the operator's queue");
  // The agent cannot answer its own proposal: the queue exists only in the sidecar and the host.
  const hunt = await execIn(world, slug, [
    "sh",
    "-c",
    "ls -d /queue 2>&1; find / -xdev -name '*.proposal.json' 2>/dev/null | head -n 1",
  ]);
  assert.match(hunt.stdout, /No such file or directory/, hunt.stdout);
  assert.ok(!hunt.stdout.includes(".proposal.json"), hunt.stdout);
  const approved = await runCli(world, ["supervise", "approve", ids[0]!, "--reason", "docs ok"]);
  assert.equal(approved.code, 0, `${approved.stdout}\n${approved.stderr}`);
  const answer = await asking;
  assert.equal(answer.isError, false, answer.text);
  assert.match(answer.text, /approved/);

  const after = await agentCurl(world, slug, ["https://example.org/"]);
  assert.equal(after.status, 200, showCurl(after));
  assert.ok(after.body.includes(UPSTREAM_PAGE_MARKER), showCurl(after));
  const audit = await Deno.readTextFile(join(world.home, "state", slug, "audit.jsonl"));
  const entry = JSON.parse(audit.trim().split("\n").at(-1)!);
  assert.equal(entry.decision, "approved");
  assert.equal(entry.tool, "egress-allow");
  assert.equal(entry.reason, "docs ok");
  assert.deepEqual(await pendingIds(world), []);

  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, stop.stderr);
});
