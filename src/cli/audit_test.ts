import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { AuditChainError } from "../audit/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { approveProposal, rejectProposal } from "../supervise/mod.ts";
import { makeBottle, queueProposal, reloadRecorder } from "../supervise/testing/mod.ts";
import { runCli } from "./mod.ts";
import { capturedContext } from "./_testing.ts";

Deno.test("audit verify: every decision the host writes chains, and an edit is named with exit 1", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const { backendFor } = reloadRecorder();
  // Each writer of audit.jsonl: approve (routes, Dockerfile, finding), modify, reject.
  const routes = await queueProposal(home.paths, "aa-1");
  await approveProposal(home.paths, routes.id, { backendFor, user: "op" });
  const image = await queueProposal(home.paths, "aa-1", { tool: "capability-block" });
  await approveProposal(home.paths, image.id, { finalFile: "FROM edited\n", user: "op" });
  const token = await queueProposal(home.paths, "aa-1", { tool: "egress-token-allow" });
  await approveProposal(home.paths, token.id, { reason: "test key", user: "op" });
  const leak = await queueProposal(home.paths, "aa-1", { tool: "gitleaks-allow" });
  await rejectProposal(home.paths, leak.id, { reason: "no", user: "op" });

  const ok = capturedContext(home.env);
  assert.equal(await runCli(["audit", "verify", "aa-1"], ok), 0);
  const log = join(home.paths.stateDir("aa-1"), "audit.jsonl");
  assert.equal(
    ok.out,
    `Audit log of bottle "aa-1": chain intact\n\n  log:     ${log}\n  entries: 4\n`,
  );
  const json = capturedContext(home.env);
  assert.equal(await runCli(["audit", "verify", "aa-1", "--json"], json), 0);
  assert.deepEqual(JSON.parse(json.out), { log, lines: 4, intact: true });

  const lines = (await Deno.readTextFile(log)).split("\n");
  lines[1] = lines[1]!.replace('"decision":"modified"', '"decision":"approved"');
  await Deno.writeTextFile(log, lines.join("\n"));
  const broken = capturedContext(home.env);
  const err = await runCli(["audit", "verify", "aa-1"], broken).catch((e: unknown) => e);
  assert.ok(err instanceof AuditChainError);
  assert.equal(err.line, 2);
  assert.equal(err.kind, "edited");
  assert.equal(
    err.message,
    `Audit log ${log} is broken at line 2: edited (its hash is no longer the one line 3 ` +
      "recorded for it)",
  );
  assert.equal(broken.out, "");
  const brokenJson = capturedContext(home.env);
  await assert.rejects(runCli(["audit", "verify", "aa-1", "--json"], brokenJson), AuditChainError);
  assert.deepEqual(JSON.parse(brokenJson.out).broken, {
    line: 2,
    kind: "edited",
    detail: err.message.slice(err.message.indexOf("(") + 1, -1),
  });
});

Deno.test("audit verify: an unknown bottle, a non-slug and a missing slug", async () => {
  await using home = await tempBotHome();
  const ctx = capturedContext(home.env);
  await assert.rejects(runCli(["audit", "verify", "zz-9"], ctx), NotFoundError);
  await assert.rejects(runCli(["audit", "verify", "../state"], ctx), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, '"../state" is not a bottle slug (see bot-bottle list active)');
    return true;
  });
  await assert.rejects(runCli(["audit", "verify"], ctx), UsageError);
});
