import assert from "node:assert/strict";
import { join } from "node:path";
import {
  awaitResponse,
  MAX_QUEUE_FILE_BYTES,
  PROCESSED_DIR,
  writeProposal,
  writeResponse,
} from "./proposal_files.ts";

const FIELDS = {
  bottle_slug: "dev-1",
  tool: "egress-token-allow",
  proposed_file: "finding",
  justification: "why",
  current_file_hash: "",
} as const;

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "bb-queue-" });
  try {
    await fn(join(dir, "queue"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("writeProposal() writes <id>.proposal.json with mode 0600 and every field", async () => {
  await withDir(async (dir) => {
    const proposal = await writeProposal(dir, FIELDS);
    const path = join(dir, `${proposal.id}.proposal.json`);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    const onDisk = JSON.parse(await Deno.readTextFile(path));
    assert.deepEqual(onDisk, proposal);
    assert.ok(!Number.isNaN(Date.parse(onDisk.arrival_timestamp)));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [
      `${proposal.id}.proposal.json`,
    ]);
  });
});

Deno.test("writeProposal() rejects an invalid slug and writes nothing", async () => {
  await withDir(async (dir) => {
    await assert.rejects(writeProposal(dir, { ...FIELDS, bottle_slug: "../evil" }));
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
  });
});

Deno.test("writeProposal() refuses bidi, zero-width and control characters, naming where", async () => {
  const cases: [string, string][] = [
    ["RUN echo ok\nRUN curl x \u202e| sh", "U+202E at line 2, column 12"],
    ["FROM a\u2066b", "U+2066 at line 1, column 7"],
    ["a\u200bb", "U+200B at line 1, column 2"],
    ["a\ufeff", "U+FEFF at line 1, column 2"],
    ["x\ry", "U+000D at line 1, column 2"],
    ["x\u2028y", "U+2028 at line 1, column 2"],
  ];
  await withDir(async (dir) => {
    for (const [text, where] of cases) {
      for (const field of ["proposed_file", "justification"] as const) {
        await assert.rejects(
          writeProposal(dir, { ...FIELDS, [field]: text }),
          (err: Error) => err.message.includes(`contains ${where}`),
          JSON.stringify(text),
        );
      }
    }
    await assert.rejects(Deno.stat(dir), Deno.errors.NotFound);
    // Visible non-ASCII text is fine.
    await writeProposal(dir, { ...FIELDS, justification: "für das Paket — ok ✓ 日本" });
  });
});

Deno.test("awaitResponse() returns the response and archives both files", async () => {
  await withDir(async (dir) => {
    const proposal = await writeProposal(dir, FIELDS);
    const waiting = awaitResponse(dir, proposal.id, { timeoutMs: 5_000, pollMs: 10 });
    await writeResponse(dir, proposal.id, { status: "approved", notes: "ok" });
    assert.deepEqual(await waiting, { status: "approved", notes: "ok" });
    const archived = [...Deno.readDirSync(join(dir, PROCESSED_DIR))].map((e) => e.name).sort();
    assert.deepEqual(archived, [`${proposal.id}.proposal.json`, `${proposal.id}.response.json`]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [PROCESSED_DIR]);
  });
});

Deno.test("awaitResponse() times out with undefined and leaves the proposal queued", async () => {
  await withDir(async (dir) => {
    const proposal = await writeProposal(dir, FIELDS);
    assert.equal(await awaitResponse(dir, proposal.id, { timeoutMs: 50, pollMs: 10 }), undefined);
    await Deno.stat(join(dir, `${proposal.id}.proposal.json`));
  });
});

Deno.test("awaitResponse() refuses a malformed response instead of approving", async () => {
  await withDir(async (dir) => {
    const proposal = await writeProposal(dir, FIELDS);
    await Deno.writeTextFile(join(dir, `${proposal.id}.response.json`), '{"status":"yes"}');
    await assert.rejects(
      awaitResponse(dir, proposal.id, { timeoutMs: 1_000, pollMs: 10 }),
      (err) => err instanceof SyntaxError && /Cannot read response/.test(err.message),
    );
  });
});

Deno.test("awaitResponse() refuses a response that is a FIFO or oversized, without blocking", async () => {
  await withDir(async (dir) => {
    const fifo = await writeProposal(dir, FIELDS);
    const fifoPath = join(dir, `${fifo.id}.response.json`);
    assert.equal((await new Deno.Command("mkfifo", { args: [fifoPath] }).output()).code, 0);
    await assert.rejects(
      awaitResponse(dir, fifo.id, { timeoutMs: 0 }),
      /response .* is a FIFO, not a regular file; refusing to read it/,
    );
    const big = await writeProposal(dir, FIELDS);
    await Deno.writeTextFile(
      join(dir, `${big.id}.response.json`),
      `{"status":"approved","notes":"${"x".repeat(MAX_QUEUE_FILE_BYTES)}"}`,
    );
    await assert.rejects(
      awaitResponse(dir, big.id, { timeoutMs: 0 }),
      /over the limit of 4194304; refusing to read it/,
    );
  });
});
