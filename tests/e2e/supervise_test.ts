/**
 * Supervise end to end (SPEC §6.3, issue 5): inside a running bottle a request to a new host is
 * refused; the agent asks for it with the `egress-allow` MCP tool (the official SDK client, run
 * inside the bottle); the operator approves with `bot-bottle supervise approve`; the same request
 * then succeeds in the same bottle, and the audit log has the decision. And issue 17: an approved
 * `capability-block` keeps the bottle's state through `stop`, and `resume` boots an image built
 * from the approved Dockerfile; the audit log's chain verifies.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  agentCurl,
  blockBody,
  bottleLeftovers,
  callTool,
  CLEAN,
  DENO_AGENT_BASE,
  dockerOk,
  execIn,
  installMcpClient,
  pendingIds,
  runCli,
  showCurl,
  startDetached,
  startWorld,
  SUPERVISE_URL,
  UPSTREAM_PAGE_MARKER,
  waitForPending,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

const AGENT = "asker";

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

Deno.test("an approved capability-block survives stop, and resume boots the approved image", async () => {
  await using world = await startWorld("capability");
  await writeBottle(world, AGENT, {
    agent_provider: { template: "shell" },
    supervise: true,
    egress: { routes: [{ host: "example.com" }] },
  });
  await writeAgent(world, AGENT, { bottle: AGENT });
  const slug = await startDetached(world, AGENT, DENO_AGENT_BASE);
  await installMcpClient(world, slug);
  // The agent asks for one more layer on top of the image it runs now.
  const image = (await dockerOk(["inspect", "--format", "{{.Config.Image}}", `bot-bottle-${slug}`]))
    .trim();
  const dockerfile = `FROM ${image}\nUSER root\nRUN echo approved-layer > /etc/bb-approved\n` +
    "USER agent\n";
  const asking = callTool(world, slug, "capability-block", {
    dockerfile,
    justification: "needs the approved layer",
  });
  const [id] = await waitForPending(world);
  const approved = await runCli(world, ["supervise", "approve", id!]);
  assert.equal(approved.code, 0, `${approved.stdout}\n${approved.stderr}`);
  const answer = await asking;
  assert.equal(answer.isError, false, answer.text);
  assert.match(answer.text, /status: approved/);

  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, stop.stderr);
  const state = join(world.home, "state", slug);
  assert.equal(await Deno.readTextFile(join(state, "image", "Dockerfile")), dockerfile);
  const verified = await runCli(world, ["audit", "verify", slug]);
  assert.equal(verified.code, 0, verified.stderr);
  assert.match(verified.stdout, /chain intact[\s\S]*entries: 1/);

  const resumed = await runCli(world, ["resume", slug, "--yes", "--", "cat", "/etc/bb-approved"], {
    env: DENO_AGENT_BASE,
  });
  assert.equal(resumed.code, 0, `${resumed.stdout}\n${resumed.stderr}`);
  assert.equal(resumed.stdout.trim().split("\n").at(-1), "approved-layer");
  // The resumed run used the preserved state and exited 0: nothing is left.
  assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
});
