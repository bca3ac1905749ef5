/**
 * Supervise end to end (SPEC §6.3, issue 5): inside a running bottle a request to a new host is
 * refused; the agent asks for it with the `egress-allow` MCP tool (the official SDK client, run
 * inside the bottle); the operator approves with `bot-bottle supervise approve`; the same request
 * then succeeds in the same bottle, and the audit log has the decision. And issue 17: an approved
 * `capability-block` keeps the bottle's state through the agent's clean exit, and `resume` boots
 * an image built from the approved Dockerfile, with the saved workspace; the audit log verifies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { writeProposal } from "../../core/queue/mod.ts";
import {
  agentCurl,
  blockBody,
  bottleLeftovers,
  callTool,
  CLEAN,
  DENO_AGENT_BASE,
  describeLeftovers,
  docker,
  dockerOk,
  execIn,
  installMcpClient,
  pendingIds,
  runCli,
  type RunningCli,
  showCurl,
  spawnCli,
  startDetached,
  startWorld,
  stateSlugs,
  SUPERVISE_URL,
  UPSTREAM_PAGE_MARKER,
  waitForNewBottle,
  waitForPending,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

const AGENT = "asker";

/** An attached run's time limit: a launch plus the command. */
const ATTACHED_TIMEOUT_MS = 4 * 60_000;

/**
 * Wait until the agent's command has written `path` (so it runs), looking with `docker exec`:
 * `docker top` does not list a container's processes on every engine.
 */
async function waitForAgentFile(running: RunningCli, slug: string, path: string): Promise<void> {
  const deadline = Date.now() + ATTACHED_TIMEOUT_MS;
  while (Date.now() < deadline && !running.exited) {
    if ((await docker(["exec", `bot-bottle-${slug}`, "test", "-e", path])).code === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const result = running.exited ? await running.result : undefined;
  throw new Error(`the agent's command never wrote ${path}: ${result?.stderr ?? "timed out"}`);
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
  const slug = await startDetached(world, AGENT, DENO_AGENT_BASE);

  const before = await agentCurl(world, slug, ["https://example.org/"]);
  assert.equal(before.status, 403, showCurl(before));
  assert.equal(blockBody(before.body)?.rule, "no_route", showCurl(before));

  const discovered = await execIn(world, slug, ["printenv", "MCP_SUPERVISE_URL"]);
  assert.equal(discovered.stdout.trim(), SUPERVISE_URL, "the agent is told where supervise is");
  assert.match(blockBody(before.body)?.reason ?? "", /example\.org/);
  assert.match(
    JSON.parse(before.body).how_to_request,
    /"egress-allow"/,
    "the refusal points at the tool the agent has",
  );
  await installMcpClient(world, slug);
  const listed = await callTool(world, slug, "list-egress-routes", {});
  assert.equal(listed.isError, false, listed.text);
  assert.match(listed.text, /host: example\.com/);

  const proposed = "routes:\n  - host: example.com\n  - host: example.org\n";
  const asking = callTool(world, slug, "egress-allow", {
    routes_yaml: proposed,
    justification: "the docs live on example.org",
  });
  const ids = await waitForPending(world);
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

Deno.test("an approved capability-block survives the clean exit, and resume boots the approved image", async () => {
  await using world = await startWorld("capability");
  await writeBottle(world, AGENT, {
    agent_provider: { template: "shell" },
    supervise: true,
    egress: { routes: [{ host: "example.com" }] },
  });
  await writeAgent(world, AGENT, { bottle: AGENT });
  const before = await stateSlugs(world);
  // The agent works, then waits for the test to let it exit 0 (the agent base is the world's).
  await using running = await spawnCli(world, [
    "start",
    AGENT,
    "--yes",
    "--",
    "sh",
    "-c",
    "echo half-done > notes.txt; while [ ! -e /tmp/bb-go ]; do sleep 1; done",
  ]);
  const slug = await waitForNewBottle(world, before, running);
  await waitForAgentFile(running, slug, "/home/agent/workspace/notes.txt");
  // It asks for one more layer on top of the image it runs now; the proposal is queued as the
  // sidecar's capability-block tool queues it (the MCP path itself is the first test's).
  const image = await dockerOk(["inspect", "--format", "{{.Config.Image}}", `bot-bottle-${slug}`]);
  const dockerfile = `FROM ${image}\nUSER root\nRUN echo approved-layer > /etc/bb-approved\n` +
    "USER agent\n";
  const proposal = await writeProposal(join(world.home, "queue", slug), {
    bottle_slug: slug,
    tool: "capability-block",
    proposed_file: dockerfile,
    justification: "needs the approved layer",
    current_file_hash: "",
  });
  const approved = await runCli(world, ["supervise", "approve", proposal.id]);
  assert.equal(approved.code, 0, `${approved.stdout}\n${approved.stderr}`);

  await dockerOk(["exec", `bot-bottle-${slug}`, "touch", "/tmp/bb-go"]);
  const exited = await running.finish(ATTACHED_TIMEOUT_MS);
  assert.equal(exited.code, 0, exited.stderr);
  assert.match(
    exited.stderr,
    new RegExp(`\\(preserved\\); resume with: bot-bottle resume ${slug}`),
  );
  const state = join(world.home, "state", slug);
  assert.equal(await Deno.readTextFile(join(state, "image", "Dockerfile")), dockerfile);
  const verified = await runCli(world, ["audit", "verify", slug]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /chain intact[\s\S]*entries: 1/);

  const resumed = await runCli(
    world,
    ["resume", slug, "--yes", "--", "sh", "-c", "cat /etc/bb-approved notes.txt"],
    { timeoutMs: ATTACHED_TIMEOUT_MS },
  );
  assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.deepEqual(resumed.stdout.trim().split("\n").slice(-2), ["approved-layer", "half-done"]);
  // The resumed run used the preserved state and exited 0: nothing is left.
  const left = await bottleLeftovers(world.home, slug);
  assert.deepEqual(left, CLEAN, describeLeftovers(left));
});
