import assert from "node:assert/strict";
import { join } from "node:path";
import {
  askOperator,
  type OperatorVerdict,
  PROCESSED_DIR,
  refusalReason,
  writeResponse,
} from "./mod.ts";

const QUESTION = {
  tool: "egress-token-allow" as const,
  proposedFile: "host: api.test\n",
  justification: "a test",
};

async function queue(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "bb-ask-" });
}

async function names(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir))).filter((e) => e.isFile).map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Ask, and answer from the operator's side once the proposal is queued. */
async function ask(
  dir: string,
  answer: (id: string) => Promise<void>,
  timeoutMs = 5_000,
): Promise<OperatorVerdict> {
  return await askOperator(QUESTION, {
    queueDir: dir,
    bottleSlug: "dev-1",
    timeoutMs,
    pollMs: 10,
    onQueued: (proposal) => void answer(proposal.id),
  });
}

Deno.test("askOperator() lets only an approval through, and archives what it consumed", async () => {
  const dir = await queue();
  try {
    const approved = await ask(
      dir,
      (id) => writeResponse(dir, id, { status: "approved", notes: "ok" }),
    );
    assert.equal(approved.status, "approved");
    assert.equal(refusalReason(approved), undefined);
    const rejected = await ask(
      dir,
      (id) => writeResponse(dir, id, { status: "rejected", notes: "no" }),
    );
    assert.equal(refusalReason(rejected), "the operator rejected it: no");
    const modified = await ask(
      dir,
      (id) => writeResponse(dir, id, { status: "modified", notes: "", final_file: "x" }),
    );
    assert.equal(modified.status, "modified");
    assert.match(refusalReason(modified)!, /modified file, which this proposal cannot take$/);
    assert.deepEqual(await names(dir), [], "nothing stays queued");
    assert.equal((await names(join(dir, PROCESSED_DIR))).length, 6);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("askOperator() withdraws a proposal nobody answered in time", async () => {
  const dir = await queue();
  try {
    const verdict = await ask(dir, () => Promise.resolve(), 50);
    assert.deepEqual(verdict.status, "timeout");
    assert.equal(refusalReason(verdict), "no operator answer within 0.05s");
    assert.deepEqual(await names(dir), []);
    const withdrawn = await names(join(dir, PROCESSED_DIR));
    assert.equal(withdrawn.length, 1);
    assert.match(withdrawn[0]!, /\.proposal\.json$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("askOperator() withdraws its proposal when its wait is stopped", async () => {
  const dir = await queue();
  try {
    const stop = new AbortController();
    const verdict = await askOperator(QUESTION, {
      queueDir: dir,
      bottleSlug: "dev-1",
      timeoutMs: 30_000,
      pollMs: 10,
      signal: stop.signal,
      onQueued: () => setTimeout(() => stop.abort(), 20),
    });
    assert.equal(verdict.status, "stopped");
    assert.equal(refusalReason(verdict), "it was stopped while it waited for the operator");
    assert.deepEqual(await names(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("askOperator() refuses on an unreadable answer or an unwritable queue", async () => {
  const dir = await queue();
  try {
    const garbage = await ask(
      dir,
      (id) => Deno.writeTextFile(join(dir, `${id}.response.json`), '{"status":"yes"}'),
    );
    assert.equal(garbage.status, "error");
    assert.match(refusalReason(garbage)!, /^the operator's answer is unreadable \(Cannot read/);
    assert.deepEqual(await names(dir), [], "the bad answer and its proposal are archived");
    const file = join(dir, "not-a-dir");
    await Deno.writeTextFile(file, "");
    const unwritable = await askOperator(QUESTION, {
      queueDir: file,
      bottleSlug: "dev-1",
      timeoutMs: 1_000,
    });
    assert.equal(unwritable.status, "error");
    assert.match(refusalReason(unwritable)!, /^the proposal was not queued: /);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("askOperator() keeps an unanswered proposal queued when asked to, as pending", async () => {
  const dir = await queue();
  try {
    const verdict = await askOperator(
      { ...QUESTION, tool: "egress-allow", currentFileHash: "ab".repeat(32) },
      { queueDir: dir, bottleSlug: "dev-1", timeoutMs: 30, pollMs: 10, unanswered: "keep" },
    );
    assert.equal(verdict.status, "pending");
    const [name] = await names(dir);
    assert.match(name ?? "", /\.proposal\.json$/, "the operator can still decide");
    const proposal = JSON.parse(await Deno.readTextFile(join(dir, name!)));
    assert.equal(proposal.current_file_hash, "ab".repeat(32));
    const modified = await askOperator({ ...QUESTION, tool: "egress-allow" }, {
      queueDir: dir,
      bottleSlug: "dev-1",
      timeoutMs: 5_000,
      pollMs: 10,
      unanswered: "keep",
      onQueued: (p) =>
        void writeResponse(dir, p.id, { status: "modified", notes: "", final_file: "edited" }),
    });
    assert.deepEqual(modified.status === "modified" && modified.finalFile, "edited");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
