import assert from "node:assert/strict";
import { join } from "node:path";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { appendAudit, type AuditEntry, GENESIS, lineHash, readAudit, verifyAudit } from "./mod.ts";

const SLUG = "aa-1";

function decision(n: number, fields: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: `2025-01-01T00:00:0${n % 10}.000Z`,
    who: "alice",
    bottle: SLUG,
    id: `proposal-${n}`,
    tool: "egress-allow",
    decision: "approved",
    reason: `reason ${n}`,
    before: "routes: []\n",
    after: `routes:\n  - host: h${n}.example\n`,
    ...fields,
  };
}

async function withBottle(body: (paths: HomePaths, log: string) => Promise<void>): Promise<void> {
  await using home = await tempBotHome();
  await Deno.mkdir(home.paths.stateDir(SLUG), { recursive: true });
  await body(home.paths, join(home.paths.stateDir(SLUG), "audit.jsonl"));
}

Deno.test("appendAudit() chains each line to the hash of the one before, from 64 zeros", async () => {
  await withBottle(async (paths, log) => {
    for (const n of [0, 1, 2]) await appendAudit(paths, decision(n));
    const lines = (await Deno.readTextFile(log)).split("\n");
    assert.equal(lines.pop(), "", "every line ends with a newline");
    assert.deepEqual(lines.map((line) => JSON.parse(line).seq), [0, 1, 2]);
    assert.deepEqual(lines.map((line) => JSON.parse(line).prev), [
      GENESIS,
      lineHash(lines[0]!),
      lineHash(lines[1]!),
    ]);
    // The hash is of the stored bytes: SHA-256 of the UTF-8 line without its newline.
    const bytes = new TextEncoder().encode(lines[0]);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
    assert.equal(
      lineHash(lines[0]!),
      [...digest].map((b) => b.toString(16).padStart(2, "0")).join(""),
    );
    const head = JSON.parse(await Deno.readTextFile(join(paths.stateDir(SLUG), "audit.head")));
    assert.deepEqual(head, {
      entries: 3,
      last: lineHash(lines[2]!),
      bytes: (await Deno.stat(log)).size,
    });
    assert.equal(((await Deno.stat(log)).mode ?? 0) & 0o777, 0o600);
    assert.deepEqual(await readAudit(paths, SLUG), [decision(0), decision(1), decision(2)]);
    assert.deepEqual(await verifyAudit(paths, SLUG), { log, lines: 3 });
  });
});

Deno.test("appendAudit() from many writers at once, in one process, keeps one chain", async () => {
  await withBottle(async (paths) => {
    await Promise.all(Array.from({ length: 24 }, (_, n) => appendAudit(paths, decision(n))));
    const verdict = await verifyAudit(paths, SLUG);
    assert.equal(verdict.broken, undefined, JSON.stringify(verdict.broken));
    assert.equal(verdict.lines, 24);
    const ids = (await readAudit(paths, SLUG)).map((e) => e.id).toSorted();
    assert.deepEqual(ids, Array.from({ length: 24 }, (_, n) => `proposal-${n}`).toSorted());
  });
});

Deno.test("appendAudit() from several processes at once keeps one chain", async () => {
  await withBottle(async (paths) => {
    const module = new URL("./mod.ts", import.meta.url).href;
    const writers = Array.from({ length: 4 }, (_, w) => {
      const script = `
        import { appendAudit } from ${JSON.stringify(module)};
        const paths = { stateDir: (slug) => ${JSON.stringify(paths.state)} + "/" + slug };
        for (let i = 0; i < 15; i++) {
          await appendAudit(paths, {
            time: new Date().toISOString(), who: "w${w}", bottle: "${SLUG}", id: "p-${w}-" + i,
            tool: "capability-block", decision: "rejected", reason: "x".repeat(i * 512),
            before: "", after: null,
          });
        }`;
      return new Deno.Command(Deno.execPath(), {
        args: ["eval", "--quiet", script],
        stdout: "piped",
        stderr: "piped",
      }).output();
    });
    for (const out of await Promise.all(writers)) {
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    }
    const verdict = await verifyAudit(paths, SLUG);
    assert.equal(verdict.broken, undefined, JSON.stringify(verdict.broken));
    assert.equal(verdict.lines, 60);
  });
});

Deno.test("appendAudit() takes in a line whose append was cut before its head was written", async () => {
  await withBottle(async (paths, log) => {
    await appendAudit(paths, decision(0));
    const headPath = join(paths.stateDir(SLUG), "audit.head");
    const before = await Deno.readTextFile(headPath);
    await appendAudit(paths, decision(1));
    await Deno.writeTextFile(headPath, before); // the crash: line written, head not
    assert.equal((await verifyAudit(paths, SLUG)).broken?.kind, "inserted");
    await appendAudit(paths, decision(2));
    assert.deepEqual(await verifyAudit(paths, SLUG), { log, lines: 3 });
  });
});

Deno.test("appendAudit() keeps chaining from the head after a cut, so the cut stays visible", async () => {
  await withBottle(async (paths, log) => {
    for (const n of [0, 1, 2]) await appendAudit(paths, decision(n));
    const lines = (await Deno.readTextFile(log)).split("\n");
    await Deno.writeTextFile(log, `${lines[0]}\n`);
    await appendAudit(paths, decision(3));
    assert.deepEqual((await verifyAudit(paths, SLUG)).broken, {
      line: 2,
      kind: "deleted",
      detail: "entries #1–#2 are missing before this line",
    });
  });
});

Deno.test("appendAudit() refuses a symlinked log, a FIFO log and a head that is not one", async () => {
  await withBottle(async (paths, log) => {
    const target = join(paths.stateDir(SLUG), "elsewhere");
    await Deno.writeTextFile(target, "");
    await Deno.symlink(target, log);
    await assert.rejects(appendAudit(paths, decision(0)), /audit log .* is a symlink; refusing/);
    assert.equal(await Deno.readTextFile(target), "");
    await Deno.remove(log);
    assert.equal((await new Deno.Command("mkfifo", { args: [log] }).output()).code, 0);
    await assert.rejects(appendAudit(paths, decision(0)), /audit log .* is not a regular file/);
    await Deno.remove(log);
    await Deno.writeTextFile(join(paths.stateDir(SLUG), "audit.head"), '{"entries":"1"}');
    await assert.rejects(
      appendAudit(paths, decision(0)),
      /^Error: Cannot append to audit log .*audit\.jsonl: .*audit\.head: entries: .*move the log and its head aside to start a new chain\)$/,
    );
  });
});
