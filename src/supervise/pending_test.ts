import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { MAX_QUEUE_FILE_BYTES, writeResponse } from "../../core/queue/mod.ts";
import { LIVE_ROUTES, makeBottle, queueProposal } from "./testing/mod.ts";
import { describeProposal, sha256Hex } from "./describe_proposal.ts";
import { findPending, listPending } from "./pending.ts";

Deno.test("listPending() lists unanswered proposals across bottles, oldest first", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await makeBottle(home.paths, "bb-1");
  const first = await queueProposal(home.paths, "bb-1");
  const answered = await queueProposal(home.paths, "aa-1");
  const second = await queueProposal(home.paths, "aa-1", { tool: "capability-block" });
  await writeResponse(home.paths.queueDir("aa-1"), answered.id, { status: "approved", notes: "" });
  const scan = await listPending(home.paths);
  assert.deepEqual(scan.pending.map((p) => p.proposal.id), [first.id, second.id]);
  assert.deepEqual(scan.problems, []);
});

Deno.test("listPending() refuses a proposal that claims another bottle", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await makeBottle(home.paths, "bb-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  const from = join(home.paths.queueDir("aa-1"), `${proposal.id}.proposal.json`);
  await Deno.rename(from, join(home.paths.queueDir("bb-1"), `${proposal.id}.proposal.json`));
  const scan = await listPending(home.paths);
  assert.deepEqual(scan.pending, []);
  assert.match(scan.problems[0] ?? "", /names bottle "aa-1" but sits in the queue of "bb-1"/);
});

Deno.test("listPending() reports symlinked, FIFO, oversized and unreadable proposals, and reads none", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const dir = home.paths.queueDir("aa-1");
  const proposal = await queueProposal(home.paths, "aa-1");
  await Deno.rename(join(dir, `${proposal.id}.proposal.json`), join(home.paths.root, "p.json"));
  await Deno.symlink(join(home.paths.root, "p.json"), join(dir, `${proposal.id}.proposal.json`));
  await Deno.writeTextFile(join(dir, "bad.proposal.json"), "{");
  const fifo = join(dir, "fifo.proposal.json");
  assert.equal((await new Deno.Command("mkfifo", { args: [fifo] }).output()).code, 0);
  const big = join(dir, "big.proposal.json");
  await Deno.writeTextFile(big, " ".repeat(MAX_QUEUE_FILE_BYTES + 1));
  const ok = await queueProposal(home.paths, "aa-1");
  const scan = await listPending(home.paths);
  assert.deepEqual(scan.pending.map((p) => p.proposal.id), [ok.id]);
  assert.deepEqual(
    scan.problems.toSorted(),
    [
      `proposal ${join(dir, proposal.id)}.proposal.json is a symlink; refusing to follow it`,
      `${
        join(dir, "bad.proposal.json")
      }: not readable JSON (Expected property name or '}' in JSON at position 1 (line 1 column 2))`,
      `proposal ${big} is ${
        MAX_QUEUE_FILE_BYTES + 1
      } bytes, over the limit of ${MAX_QUEUE_FILE_BYTES}; refusing to read it`,
      `proposal ${fifo} is a FIFO, not a regular file; refusing to read it`,
    ].toSorted(),
  );
});

Deno.test("findPending() names the pending ids when the id is unknown", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await assert.rejects(findPending(home.paths, "nope"), {
    name: "NotFoundError",
    message: 'No pending proposal "nope" (nothing is pending)',
  });
  const proposal = await queueProposal(home.paths, "aa-1");
  await assert.rejects(findPending(home.paths, "nope"), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.equal(err.message, `No pending proposal "nope" (pending: ${proposal.id})`);
    return true;
  });
  assert.equal((await findPending(home.paths, proposal.id.slice(0, 8))).proposal.id, proposal.id);
});

Deno.test("describeProposal() diffs an egress proposal against the live routes file", async () => {
  await using home = await tempBotHome();
  const routes = await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", {
    current_file_hash: sha256Hex(LIVE_ROUTES),
  });
  const detail = await describeProposal(home.paths, await findPending(home.paths, proposal.id), {
    now: new Date(Date.parse(proposal.arrival_timestamp) + 5000),
  });
  assert.equal(detail.ageMs, 5000);
  assert.equal(detail.live, LIVE_ROUTES);
  assert.equal(detail.staleWarning, undefined);
  assert.equal(
    detail.diff,
    `--- live ${routes}\n+++ proposed ${proposal.id}\n@@ -4,3 +4,4 @@\n` +
      "       scheme: Bearer\n       token_ref: GH_TOKEN\n   - host: pypi.org\n" +
      "+  - host: registry.npmjs.org\n",
  );
});

Deno.test("describeProposal() warns when the live file changed since the proposal", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", {
    current_file_hash: sha256Hex("routes: []\n"),
  });
  const detail = await describeProposal(home.paths, await findPending(home.paths, proposal.id));
  assert.match(
    detail.staleWarning ?? "",
    /live routes file changed since this proposal.*approve refuses it/,
  );
});

Deno.test("describeProposal() has no diff for a token finding", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  const proposal = await queueProposal(home.paths, "aa-1", { tool: "egress-token-allow" });
  const detail = await describeProposal(home.paths, await findPending(home.paths, proposal.id));
  assert.equal(detail.diff, undefined);
  assert.equal(detail.proposal.proposed_file, proposal.proposed_file);
});

Deno.test("findPending() refuses a short id that a planted proposal's whole id equals", async () => {
  await using home = await tempBotHome();
  await makeBottle(home.paths, "aa-1");
  await makeBottle(home.paths, "bb-1");
  const real = await queueProposal(home.paths, "aa-1");
  const short = real.id.slice(0, 8);
  // A sidecar writes a proposal whose whole id is the short form the UI shows.
  const planted = { ...real, id: short, bottle_slug: "bb-1" };
  await Deno.writeTextFile(
    join(home.paths.queueDir("bb-1"), `${short}.proposal.json`),
    JSON.stringify(planted),
  );
  await assert.rejects(findPending(home.paths, short), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.match(err.message, new RegExp(`^Proposal "${short}" is ambiguous .*give the whole id$`));
    return true;
  });
  assert.equal((await findPending(home.paths, real.id)).proposal.bottle_slug, "aa-1");
});
