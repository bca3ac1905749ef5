import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { ApplyError, readAudit } from "../supervise/mod.ts";
import {
  LIVE_ROUTES,
  makeBottle,
  queueProposal,
  reloadRecorder,
} from "../supervise/testing/mod.ts";
import { runCli } from "./mod.ts";
import {
  superviseApproveCommand,
  superviseListCommand,
  superviseShowCommand,
} from "./supervise.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("superviseListCommand() prints pending proposals with age and first line", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const now = new Date(Date.parse(proposal.arrival_timestamp) + 125_000);
  const ctx = capturedContext(home.env);
  assert.equal(await superviseListCommand(ctx, { json: false, now }), 0);
  assert.equal(
    ctx.out,
    `Pending proposals\n\n  ${proposal.id}: aa-1  egress-allow  2m  npm install needs the registry\n`,
  );
  const json = capturedContext(home.env);
  await superviseListCommand(json, { json: true, now });
  assert.deepEqual(JSON.parse(json.out), [{
    id: proposal.id,
    bottle: "aa-1",
    tool: "egress-allow",
    arrival_timestamp: proposal.arrival_timestamp,
    age_seconds: 125,
    justification: "npm install needs the registry",
  }]);
});

Deno.test("superviseListCommand() says when nothing is pending", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await superviseListCommand(ctx, { json: false });
  assert.equal(ctx.out, "No pending proposals.\n");
});

Deno.test("superviseShowCommand() prints the proposal and the routes diff", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", { current_file_hash: "00" });
  const ctx = capturedContext(home.env);
  await superviseShowCommand(ctx, proposal.id, { json: false });
  assert.match(ctx.out, new RegExp(`^Proposal ${proposal.id}\n\n  bottle: +aa-1\n`));
  assert.match(ctx.out, /justification: npm install needs the registry\n +second line\n/);
  assert.ok(ctx.out.includes(`--- live ${routes}\n+++ proposed ${proposal.id}\n`));
  assert.ok(ctx.out.endsWith("   - host: pypi.org\n+  - host: registry.npmjs.org\n"));
  assert.match(ctx.err, /warning: the live routes file changed since this proposal was made/);
  const json = capturedContext(home.env);
  await superviseShowCommand(json, proposal.id, { json: true });
  const parsed = JSON.parse(json.out);
  assert.equal(parsed.proposal.id, proposal.id);
  assert.equal(parsed.live_file, LIVE_ROUTES);
  assert.match(parsed.diff, /\+ {2}- host: registry\.npmjs\.org/);
  assert.match(parsed.stale_warning, /changed since this proposal/);
});

Deno.test("superviseShowCommand() prints a Dockerfile proposal whole", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", {
    tool: "capability-block",
    proposed_file: "FROM base\nRUN true",
  });
  const ctx = capturedContext(home.env);
  await superviseShowCommand(ctx, proposal.id, { json: false });
  assert.ok(ctx.out.endsWith("\nProposed file:\n\nFROM base\nRUN true\n"));
});

Deno.test("superviseApproveCommand() applies an egress proposal and says so", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const recorder = reloadRecorder();
  const ctx = capturedContext({ ...home.env, USER: "alice" });
  await superviseApproveCommand(ctx, proposal.id, { backendFor: recorder.backendFor });
  assert.equal(
    ctx.err,
    `bot-bottle: approved ${proposal.id} (egress-allow, bottle aa-1); the new routes are live\n`,
  );
  assert.equal(await Deno.readTextFile(routes), proposal.proposed_file);
  assert.deepEqual(recorder.reloads, ["docker:aa-1"]);
  assert.equal((await readAudit(home.paths, "aa-1"))[0]?.who, "alice");
});

Deno.test("superviseApproveCommand() --file approves the operator's edit as modified", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const edited = join(home.paths.root, "edited.yaml");
  await Deno.writeTextFile(edited, `${LIVE_ROUTES}  - host: docs.example\n`);
  const ctx = capturedContext(home.env);
  await superviseApproveCommand(ctx, proposal.id, {
    file: edited,
    backendFor: reloadRecorder().backendFor,
  });
  assert.match(ctx.err, /^bot-bottle: modified /);
  assert.equal(await Deno.readTextFile(routes), `${LIVE_ROUTES}  - host: docs.example\n`);
  await assert.rejects(
    superviseApproveCommand(ctx, "nope", { file: join(home.paths.root, "missing.yaml") }),
    { name: "UsageError", message: /--file ".*missing\.yaml" cannot be read/ },
  );
});

Deno.test("superviseApproveCommand() keeps a failed apply pending with the reason", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", { proposed_file: "routes: [" });
  const ctx = capturedContext(home.env);
  await assert.rejects(
    superviseApproveCommand(ctx, proposal.id, { backendFor: reloadRecorder().backendFor }),
    ApplyError,
  );
  const list = capturedContext(home.env);
  await superviseListCommand(list, { json: true });
  assert.equal(JSON.parse(list.out)[0].id, proposal.id);
});

Deno.test("runCli() supervise approve and reject go through the same core", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const dockerfile = await queueProposal(home.paths, "aa-1", { tool: "capability-block" });
  const other = await queueProposal(home.paths, "aa-1");
  const ctx = capturedContext(home.env);
  assert.equal(await runCli(["supervise", "approve", dockerfile.id], ctx), 0);
  assert.match(ctx.err, /builds from it\n$/);
  assert.ok(await Deno.stat(join(home.paths.stateDir("aa-1"), "image", "Dockerfile")));
  await assert.rejects(runCli(["supervise", "reject", other.id], ctx), UsageError);
  assert.equal(await runCli(["supervise", "reject", other.id, "--reason", "no"], ctx), 0);
  assert.match(ctx.err, new RegExp(`rejected ${other.id} \\(egress-allow, bottle aa-1\\)\n$`));
  const audit = await readAudit(home.paths, "aa-1");
  assert.deepEqual(audit.map((entry) => entry.decision), ["approved", "rejected"]);
});

Deno.test("runCli() supervise errors: unknown id, no subcommand, missing id", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(runCli(["supervise", "show", "nope"], ctx), NotFoundError);
  await assert.rejects(runCli(["supervise", "approve", "nope"], ctx), NotFoundError);
  await assert.rejects(runCli(["supervise"], ctx), {
    name: "UsageError",
    message: /needs a terminal/,
  });
  await assert.rejects(runCli(["supervise", "approve"], ctx), UsageError);
  await assert.rejects(runCli(["supervise", "bogus"], ctx), UsageError);
});
