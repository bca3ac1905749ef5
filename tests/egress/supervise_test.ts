/**
 * `outbound_on_match: supervise` (SPEC §6.1, §6.3): a request carrying a secret is held while an
 * `egress-token-allow` proposal waits in the bottle's queue; the operator's answer (or silence)
 * decides whether the origin ever sees it.
 */
import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { join } from "node:path";
import { PROCESSED_DIR, type Proposal, writeResponse } from "../../core/queue/mod.ts";
import { curl, startBed } from "./_harness.ts";

// `supervise` is the default, so the route does not name it.
const ROUTES = "routes:\n  - host: api.test\n";

/** A GitHub-token-shaped value built at run time, so no secret sits in the source. */
function githubToken(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let out = "ghp_";
  for (let i = 0; i < 36; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

async function queuedProposals(queueDir: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(queueDir)) {
      if (entry.isFile && entry.name.endsWith(".proposal.json")) names.push(entry.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names;
}

async function waitForProposal(queueDir: string): Promise<{ path: string; text: string }> {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const [name] = await queuedProposals(queueDir);
    if (name !== undefined) {
      const path = join(queueDir, name);
      return { path, text: await Deno.readTextFile(path) };
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no proposal appeared in ${queueDir} within 5s`);
}

function blockOf(body: string): { rule: string; reason: string } {
  return JSON.parse(body);
}

Deno.test("egress supervise holds a request until the operator approves, then remembers the value", async () => {
  await using bed = await startBed(ROUTES, { queue: { timeoutMs: 8_000 } });
  const queueDir = join(bed.dir, "queue");
  const secret = githubToken();
  const pending = curl(bed, "https://api.test/upload", ["--data-binary", `token=${secret}`]);

  const { path, text } = await waitForProposal(queueDir);
  assert.equal(bed.seen.length, 0, "held: the origin has not seen the request yet");
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.ok(!text.includes(secret), "the proposal never carries the secret");
  assert.ok(!text.includes(secret.slice(4, 16)), "not even part of it");
  const proposal: Proposal = JSON.parse(text);
  assert.equal(proposal.tool, "egress-token-allow");
  assert.equal(proposal.bottle_slug, "test-bottle");
  assert.equal(`${proposal.id}.proposal.json`, path.slice(queueDir.length + 1));
  assert.match(proposal.proposed_file, /api\.test/);
  assert.match(proposal.justification, /api\.test/);

  await writeResponse(queueDir, proposal.id, { status: "approved", notes: "test fixture" });
  const result = await pending;
  assert.equal(result.status, 200, result.body);
  assert.equal(bed.seen.length, 1);
  assert.equal(bed.seen[0]!.body, `token=${secret}`, "the origin got the body unchanged");
  const processed = await Array.fromAsync(Deno.readDir(join(queueDir, PROCESSED_DIR)));
  assert.deepEqual(
    processed.map((e) => e.name).sort(),
    [`${proposal.id}.proposal.json`, `${proposal.id}.response.json`],
  );
  assert.deepEqual(await queuedProposals(queueDir), []);

  const again = await curl(bed, "https://api.test/again", ["--data-binary", `token=${secret}`]);
  assert.equal(again.status, 200, again.body);
  assert.equal(bed.seen.length, 2);
  assert.deepEqual(await queuedProposals(queueDir), [], "no second proposal for an approved value");
  assert.ok(bed.logs.every((line) => !line.includes(secret)), "the secret is never logged");
});

Deno.test("egress supervise refuses a request the operator rejects", async () => {
  await using bed = await startBed(ROUTES, { queue: { timeoutMs: 8_000 } });
  const queueDir = join(bed.dir, "queue");
  const secret = githubToken();
  const pending = curl(bed, "https://api.test/upload", ["--data-binary", `token=${secret}`]);
  const proposal: Proposal = JSON.parse((await waitForProposal(queueDir)).text);
  await writeResponse(queueDir, proposal.id, { status: "rejected", notes: "not this token" });

  const result = await pending;
  assert.equal(result.status, 403);
  const block = blockOf(result.body);
  assert.equal(block.rule, "dlp_outbound");
  assert.match(block.reason, /; the operator rejected it: not this token$/);
  assert.ok(!result.body.includes(secret));
  assert.equal(bed.seen.length, 0, "the origin never saw the request");
});

Deno.test("egress supervise refuses after the timeout and withdraws the proposal", async () => {
  await using bed = await startBed(ROUTES, { queue: { timeoutMs: 300 } });
  const queueDir = join(bed.dir, "queue");
  const started = performance.now();
  const result = await curl(bed, "https://api.test/upload", ["--data-binary", githubToken()]);
  const elapsed = performance.now() - started;

  assert.equal(result.status, 403);
  const block = blockOf(result.body);
  assert.equal(block.rule, "dlp_outbound");
  assert.match(block.reason, /; no operator answer within 0\.3s$/);
  assert.ok(elapsed >= 300, `answered after ${elapsed} ms, before the timeout`);
  assert.ok(elapsed < 5_000, `answered after ${elapsed} ms`);
  // An approval given later would suggest the request went through: nothing is left to approve.
  assert.deepEqual(await queuedProposals(queueDir), []);
  const withdrawn = await Array.fromAsync(Deno.readDir(join(queueDir, PROCESSED_DIR)));
  assert.equal(withdrawn.length, 1, "the proposal is archived, unanswered");
  assert.match(withdrawn[0]!.name, /\.proposal\.json$/);
  assert.equal(bed.seen.length, 0);
});

Deno.test("egress supervise without an operator queue refuses at once", async () => {
  await using bed = await startBed(ROUTES);
  const started = performance.now();
  const result = await curl(bed, "https://api.test/upload", ["--data-binary", githubToken()]);

  assert.equal(result.status, 403);
  const block = blockOf(result.body);
  assert.equal(block.rule, "dlp_outbound");
  assert.match(block.reason, /no operator queue is configured/);
  assert.ok(performance.now() - started < 3_000, "nothing waited for an operator");
  assert.equal(bed.seen.length, 0);
  assert.deepEqual(await queuedProposals(join(bed.dir, "queue")), []);
});

Deno.test("egress supervise refuses a modified or malformed answer", async () => {
  await using bed = await startBed(ROUTES, { queue: { timeoutMs: 8_000 } });
  const queueDir = join(bed.dir, "queue");
  // egress-token-allow approvals cannot be modified (SPEC §6.3); garbage is never an approval.
  const answers: Array<[string, (id: string) => Promise<void>, RegExp]> = [
    [
      "modified",
      (id) => writeResponse(queueDir, id, { status: "modified", notes: "edited", final_file: "" }),
      /; the operator answered with a modified file, which this proposal cannot take: edited$/,
    ],
    [
      "malformed",
      (id) => Deno.writeTextFile(join(queueDir, `${id}.response.json`), '{"status":"yes"}'),
      /; the operator's answer is unreadable \(Cannot read response .*\)$/,
    ],
  ];
  for (const [label, answer, reason] of answers) {
    const pending = curl(bed, "https://api.test/upload", ["--data-binary", githubToken()]);
    const { path } = await waitForProposal(queueDir);
    const proposal: Proposal = JSON.parse(await Deno.readTextFile(path));
    await answer(proposal.id);
    const result = await pending;
    assert.equal(result.status, 403, label);
    assert.match(blockOf(result.body).reason, reason, label);
    await Deno.remove(path).catch(() => {});
  }
  assert.equal(bed.seen.length, 0);
});
