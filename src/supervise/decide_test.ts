import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { responseSchema } from "../../core/queue/mod.ts";
import { readAudit } from "../audit/mod.ts";
import { ApplyError, approveProposal, proposalDigest, rejectProposal } from "./decide.ts";
import { listPending } from "./pending.ts";
import { LIVE_ROUTES, makeBottle, queueProposal, reloadRecorder } from "./testing/mod.ts";

async function response(paths: HomePaths, slug: string, id: string): Promise<unknown> {
  const text = await Deno.readTextFile(join(paths.queueDir(slug), `${id}.response.json`));
  return responseSchema.parse(JSON.parse(text));
}

async function pendingIds(paths: HomePaths): Promise<string[]> {
  return (await listPending(paths)).pending.map((p) => p.proposal.id);
}

Deno.test("approveProposal() replaces the routes file whole, reloads, audits, answers", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const recorder = reloadRecorder();
  const decision = await approveProposal(home.paths, proposal.id, {
    reason: "fine",
    user: "alice",
    backendFor: recorder.backendFor,
    now: () => new Date("2025-02-03T04:05:06.000Z"),
  });
  assert.equal(decision.status, "approved");
  assert.equal(await Deno.readTextFile(routes), proposal.proposed_file);
  assert.equal((await Deno.stat(routes)).mode! & 0o777, 0o600);
  const egress = await Array.fromAsync(Deno.readDir(join(routes, "..")));
  assert.deepEqual(egress.map((entry) => entry.name), ["routes.yaml"], "no temp file is left");
  assert.deepEqual(recorder.reloads, ["docker:aa-1"]);
  assert.deepEqual(await response(home.paths, "aa-1", proposal.id), {
    status: "approved",
    notes: "fine",
  });
  assert.deepEqual(await pendingIds(home.paths), []);
  assert.deepEqual(await readAudit(home.paths, "aa-1"), [{
    time: "2025-02-03T04:05:06.000Z",
    who: "alice",
    bottle: "aa-1",
    id: proposal.id,
    tool: "egress-allow",
    decision: "approved",
    reason: "fine",
    before: LIVE_ROUTES,
    after: proposal.proposed_file,
  }]);
  const auditMode = (await Deno.stat(join(home.paths.stateDir("aa-1"), "audit.jsonl"))).mode;
  assert.equal((auditMode ?? 0) & 0o777, 0o600);
});

/** Approve must fail with ApplyError matching `message`, leaving everything as it was. */
async function assertRefused(
  paths: HomePaths,
  proposed: string,
  message: RegExp,
  options: { fail?: Error; routes?: string } = {},
): Promise<string[]> {
  const proposal = await queueProposal(paths, "aa-1", { proposed_file: proposed });
  const recorder = reloadRecorder(options.fail);
  await assert.rejects(
    approveProposal(paths, proposal.id, { backendFor: recorder.backendFor }),
    (err: unknown) => {
      assert.ok(err instanceof ApplyError);
      assert.match(err.message, message);
      assert.match(err.message, /the proposal stays pending$/);
      return true;
    },
  );
  assert.deepEqual(await pendingIds(paths), [proposal.id]);
  assert.deepEqual(await readAudit(paths, "aa-1"), []);
  if (options.routes !== undefined) {
    assert.equal(await Deno.readTextFile(options.routes), LIVE_ROUTES);
  }
  return recorder.reloads;
}

Deno.test("approveProposal() keeps an invalid routes proposal pending", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const reloads = await assertRefused(
    home.paths,
    "routes:\n  - host: '*'\n",
    /the proposed routes file is invalid: proposal .*:2:/,
    { routes },
  );
  assert.deepEqual(reloads, []);
});

Deno.test("approveProposal() refuses credentials on a host that had none", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  await assertRefused(
    home.paths,
    `${LIVE_ROUTES}  - host: evil.example\n    auth:\n      scheme: Bearer\n      token_ref: GH_TOKEN\n`,
    /adds credentials \(auth token_ref GH_TOKEN\) to host "evil\.example", which has none; a proposal may not add, change or move credentials/,
    { routes },
  );
});

Deno.test("approveProposal() refuses allow_private on a host that did not have it", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  await assertRefused(
    home.paths,
    `${LIVE_ROUTES}  - host: internal.example\n    allow_private: true\n`,
    /sets allow_private on host "internal\.example".*may not add, change or move credentials or allow private addresses/,
    { routes },
  );
});

Deno.test("approveProposal() refuses a token slot moved to another host", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const moved = "routes:\n  - host: api.github.com\n  - host: pypi.org\n    auth:\n" +
    "      scheme: Bearer\n      token_ref: GH_TOKEN\n";
  await assertRefused(home.paths, moved, /removes the credentials of host "api\.github\.com"/, {
    routes,
  });
});

Deno.test("approveProposal() refuses a changed auth scheme", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  await assertRefused(
    home.paths,
    LIVE_ROUTES.replace("Bearer", "token"),
    /changes the credentials of host "api\.github\.com"/,
    { routes },
  );
});

Deno.test("approveProposal() refuses a symlinked live routes file", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const target = join(home.paths.root, "elsewhere.yaml");
  await Deno.rename(routes, target);
  await Deno.symlink(target, routes);
  const reloads = await assertRefused(
    home.paths,
    `${LIVE_ROUTES}  - host: x.example\n`,
    /is a symlink; refusing to follow it/,
  );
  assert.deepEqual(reloads, []);
  assert.equal(await Deno.readTextFile(target), LIVE_ROUTES);
});

Deno.test("approveProposal() refuses a live routes file that is a FIFO, without waiting on it", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  await Deno.remove(routes);
  assert.equal((await new Deno.Command("mkfifo", { args: [routes] }).output()).code, 0);
  const reloads = await assertRefused(
    home.paths,
    `${LIVE_ROUTES}  - host: x.example\n`,
    /live routes file .*routes\.yaml is a FIFO, not a regular file; refusing to read it/,
  );
  assert.deepEqual(reloads, []);
});

Deno.test("approveProposal() refuses a routes proposal made against routes that changed since", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  // Another approval (or the operator) changed the routes after the agent read them.
  const changed = `${LIVE_ROUTES}  - host: docs.example\n`;
  await Deno.writeTextFile(routes, changed);
  const blind = await queueProposal(home.paths, "aa-1", { current_file_hash: "" });
  for (
    const [stale, made] of [[proposal, "routes with SHA-256 "], [blind, "no routes file"]] as const
  ) {
    const recorder = reloadRecorder();
    for (const finalFile of [undefined, `${changed}  - host: y.example\n`]) {
      await assert.rejects(
        approveProposal(home.paths, stale.id, {
          backendFor: recorder.backendFor,
          ...(finalFile === undefined ? {} : { finalFile }),
        }),
        (err: unknown) => {
          assert.ok(err instanceof ApplyError);
          assert.match(
            err.message,
            new RegExp(
              `^Cannot approve proposal ${stale.id} of bottle "aa-1": it is stale: it was made ` +
                `against ${made}.*the live routes file has changed since .*approving it would ` +
                "undo that change; reject it and have the agent propose again from " +
                "list-egress-routes; the proposal stays pending$",
            ),
          );
          return true;
        },
      );
    }
    assert.deepEqual(recorder.reloads, []);
  }
  assert.equal(await Deno.readTextFile(routes), changed);
  assert.deepEqual((await pendingIds(home.paths)).toSorted(), [proposal.id, blind.id].toSorted());
  assert.deepEqual(await readAudit(home.paths, "aa-1"), []);
  // Rejecting it stays possible: the operator can still answer the agent.
  await rejectProposal(home.paths, proposal.id, { reason: "stale, ask again" });
  assert.deepEqual(await pendingIds(home.paths), [blind.id]);
});

Deno.test("approveProposal() restores the routes and stays pending when reload fails", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const reloads = await assertRefused(
    home.paths,
    `${LIVE_ROUTES}  - host: x.example\n`,
    /signalling the sidecar failed \(sidecar gone\); the previous routes file was restored/,
    { fail: new Error("sidecar gone"), routes },
  );
  assert.deepEqual(reloads, ["docker:aa-1"]);
});

Deno.test("approveProposal() stays pending when the audit log is a symlink", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const target = join(home.paths.root, "host-file");
  await Deno.writeTextFile(target, "");
  await Deno.symlink(target, join(home.paths.stateDir("aa-1"), "audit.jsonl"));
  const proposal = await queueProposal(home.paths, "aa-1", { tool: "capability-block" });
  await assert.rejects(approveProposal(home.paths, proposal.id), /audit log .* is a symlink/);
  assert.deepEqual(await pendingIds(home.paths), [proposal.id]);
  assert.equal(await Deno.readTextFile(target), "");
});

Deno.test("approveProposal() stores an approved Dockerfile for the next resume", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", {
    tool: "capability-block",
    proposed_file: "FROM base\nRUN apt-get install -y jq\n",
  });
  const decision = await approveProposal(home.paths, proposal.id);
  const path = join(home.paths.stateDir("aa-1"), "image", "Dockerfile");
  assert.equal(await Deno.readTextFile(path), proposal.proposed_file);
  assert.equal(((await Deno.stat(path)).mode ?? 0) & 0o777, 0o600);
  const expected = {
    status: "approved",
    notes: "the next `bot-bottle resume aa-1` builds the bottle's image from this Dockerfile",
  };
  assert.equal(decision.notes, expected.notes);
  assert.deepEqual(await response(home.paths, "aa-1", proposal.id), expected);
  assert.equal((await readAudit(home.paths, "aa-1"))[0]?.who, "unknown");
  assert.equal(
    await new BottleState(home.paths, "aa-1").preserved(),
    true,
    "the state (Dockerfile, audit log) outlives a clean exit, so the resume can happen",
  );
});

Deno.test("approveProposal() needs a reason for gitleaks and token findings", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  for (const tool of ["gitleaks-allow", "egress-token-allow"] as const) {
    const proposal = await queueProposal(home.paths, "aa-1", { tool });
    await assert.rejects(approveProposal(home.paths, proposal.id, { reason: "  " }), {
      name: "UsageError",
      message: `approving a ${tool} proposal needs --reason`,
    });
    assert.ok((await pendingIds(home.paths)).includes(proposal.id));
    await approveProposal(home.paths, proposal.id, { reason: "test fixture" });
    assert.deepEqual(await response(home.paths, "aa-1", proposal.id), {
      status: "approved",
      notes: "test fixture",
    });
  }
  assert.deepEqual(await pendingIds(home.paths), []);
});

Deno.test("rejectProposal() needs a reason, then answers rejected and audits", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  await assert.rejects(rejectProposal(home.paths, proposal.id), UsageError);
  assert.deepEqual(await pendingIds(home.paths), [proposal.id]);
  const decision = await rejectProposal(home.paths, proposal.id, { reason: "not needed" });
  assert.equal(decision.status, "rejected");
  assert.deepEqual(await response(home.paths, "aa-1", proposal.id), {
    status: "rejected",
    notes: "not needed",
  });
  assert.equal(await Deno.readTextFile(routes), LIVE_ROUTES);
  const [entry] = await readAudit(home.paths, "aa-1");
  assert.equal(entry?.decision, "rejected");
  assert.equal(entry?.before, LIVE_ROUTES);
  assert.equal(entry?.after, null);
});

Deno.test("approveProposal() and rejectProposal() on an unknown id are NotFoundError", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await assert.rejects(approveProposal(home.paths, "missing-id"), NotFoundError);
  await assert.rejects(rejectProposal(home.paths, "missing-id", { reason: "x" }), NotFoundError);
});

Deno.test("approveProposal() with the operator's edit applies it and answers modified", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const edited = `${LIVE_ROUTES}  - host: docs.example\n`;
  const recorder = reloadRecorder();
  const decision = await approveProposal(home.paths, proposal.id, {
    finalFile: edited,
    backendFor: recorder.backendFor,
  });
  assert.equal(decision.status, "modified");
  assert.equal(await Deno.readTextFile(routes), edited, "the edit is live, not the proposal");
  assert.deepEqual(recorder.reloads, ["docker:aa-1"]);
  assert.deepEqual(await response(home.paths, "aa-1", proposal.id), {
    status: "modified",
    notes: "",
    final_file: edited,
  });
  const [entry] = await readAudit(home.paths, "aa-1");
  assert.equal(entry?.decision, "modified");
  assert.equal(entry?.after, edited);
});

Deno.test("approveProposal() checks an operator's edit like the agent's file", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const edited = `${LIVE_ROUTES}  - host: evil.example\n    auth:\n      scheme: Bearer\n` +
    "      token_ref: GH_TOKEN\n";
  await assert.rejects(
    approveProposal(home.paths, proposal.id, {
      finalFile: edited,
      backendFor: reloadRecorder().backendFor,
    }),
    (err: unknown) => err instanceof ApplyError && /adds credentials/.test(err.message),
  );
  assert.equal(await Deno.readTextFile(routes), LIVE_ROUTES);
  assert.deepEqual(await pendingIds(home.paths), [proposal.id]);
});

Deno.test("approveProposal() refuses to modify gitleaks and token findings", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", { tool: "gitleaks-allow" });
  await assert.rejects(
    approveProposal(home.paths, proposal.id, { reason: "ok", finalFile: "something else" }),
    { name: "UsageError", message: /gitleaks-allow proposal cannot be modified/ },
  );
  assert.deepEqual(await pendingIds(home.paths), [proposal.id]);
});

Deno.test("approveProposal() and rejectProposal() refuse a proposal swapped after it was shown", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const shown = await queueProposal(home.paths, "aa-1");
  const digest = proposalDigest(shown);
  // The sidecar rewrites the queue file under the same id.
  const swapped = { ...shown, proposed_file: `${LIVE_ROUTES}  - host: evil.example\n` };
  await Deno.writeTextFile(
    join(home.paths.queueDir("aa-1"), `${shown.id}.proposal.json`),
    JSON.stringify(swapped),
  );
  const recorder = reloadRecorder();
  for (
    const attempt of [
      () =>
        approveProposal(home.paths, shown.id, { expected: shown, backendFor: recorder.backendFor }),
      () => approveProposal(home.paths, shown.id, { expectedDigest: digest }),
      () => rejectProposal(home.paths, shown.id, { reason: "no", expected: shown }),
    ]
  ) {
    await assert.rejects(attempt(), (err: unknown) => {
      assert.ok(err instanceof ApplyError);
      assert.match(err.message, /it changed since it was shown/);
      return true;
    });
  }
  assert.equal(await Deno.readTextFile(routes), LIVE_ROUTES);
  assert.deepEqual(recorder.reloads, []);
  const unchanged = await approveProposal(home.paths, shown.id, {
    expectedDigest: proposalDigest(swapped),
    backendFor: recorder.backendFor,
  });
  assert.equal(unchanged.status, "approved", "the digest of what is there now passes");
});

Deno.test("approveProposal() twice at once: one applies and answers, the other is refused", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", { tool: "capability-block" });
  const outcomes = await Promise.allSettled([
    approveProposal(home.paths, proposal.id, { user: "alice" }),
    approveProposal(home.paths, proposal.id, { user: "bob" }),
  ]);
  assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 1);
  const refused = outcomes.find((o) => o.status === "rejected");
  assert.ok(refused?.reason instanceof ApplyError);
  assert.match(refused.reason.message, /it was answered meanwhile \(another decision came first\)/);
  assert.equal((await readAudit(home.paths, "aa-1")).length, 1);
});

Deno.test("approveProposal() of two routes proposals at once: the second is stale, not applied", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const first = await queueProposal(home.paths, "aa-1", {
    proposed_file: `${LIVE_ROUTES}  - host: one.example\n`,
  });
  const second = await queueProposal(home.paths, "aa-1", {
    proposed_file: `${LIVE_ROUTES}  - host: two.example\n`,
  });
  const { backendFor } = reloadRecorder();
  const outcomes = await Promise.allSettled(
    [first, second].map((p) => approveProposal(home.paths, p.id, { backendFor })),
  );
  const applied = outcomes.findIndex((o) => o.status === "fulfilled");
  assert.notEqual(applied, -1);
  const refused = outcomes[1 - applied];
  assert.equal(refused?.status, "rejected");
  assert.match(String(refused.reason), /it is stale/);
  assert.equal(await Deno.readTextFile(routes), [first, second][applied]!.proposed_file);
});
