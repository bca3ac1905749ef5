import assert from "node:assert/strict";
import { join } from "node:path";
import { NotFoundError } from "../../core/errors/mod.ts";
import { tempBotHome } from "../lifecycle/testing/mod.ts";
import { appendAudit, type AuditBreak, verifyAudit } from "./mod.ts";

const SLUG = "aa-1";

/** A log of five decisions, A–E, then `tamper` applied to its lines (and head). */
async function verifyTampered(
  tamper: (lines: string[]) => string[] | string,
  options: { head?: "delete" | string } = {},
): Promise<AuditBreak | undefined> {
  await using home = await tempBotHome();
  const dir = home.paths.stateDir(SLUG);
  await Deno.mkdir(dir, { recursive: true });
  for (const n of [0, 1, 2, 3, 4]) {
    await appendAudit(home.paths, {
      time: `2025-01-01T00:00:0${n}.000Z`,
      who: "alice",
      bottle: SLUG,
      id: `proposal-${"ABCDE"[n]}`,
      tool: n % 2 === 0 ? "egress-allow" : "capability-block",
      decision: n === 3 ? "rejected" : "approved",
      reason: `reason ${n}`,
      before: "routes: []\n",
      after: n === 3 ? null : `file ${n}\n`,
    });
  }
  const log = join(dir, "audit.jsonl");
  const lines = (await Deno.readTextFile(log)).split("\n").slice(0, -1);
  const tampered = tamper(lines);
  await Deno.writeTextFile(
    log,
    typeof tampered === "string" ? tampered : tampered.map((l) => `${l}\n`).join(""),
  );
  if (options.head === "delete") await Deno.remove(join(dir, "audit.head"));
  else if (options.head !== undefined) {
    await Deno.writeTextFile(join(dir, "audit.head"), options.head);
  }
  return (await verifyAudit(home.paths, SLUG)).broken;
}

function edit(line: string, change: Record<string, unknown>): string {
  return JSON.stringify({ ...JSON.parse(line), ...change });
}

const CASES: [string, (lines: string[]) => string[] | string, AuditBreak | undefined][] = [
  ["an untouched log", (l) => l, undefined],
  ["an edited reason in the middle", (l) => l.with(1, edit(l[1]!, { reason: "fine" })), {
    line: 2,
    kind: "edited",
    detail: "its hash is no longer the one line 3 recorded for it",
  }],
  [
    "an edited decision on the first line",
    (l) => l.with(0, edit(l[0]!, { decision: "rejected" })),
    {
      line: 1,
      kind: "edited",
      detail: "its hash is no longer the one line 2 recorded for it",
    },
  ],
  ["an edited last line", (l) => l.with(4, edit(l[4]!, { who: "mallory" })), {
    line: 5,
    kind: "edited",
    detail: "its hash is no longer the one recorded in audit.head when it was written",
  }],
  ["whitespace added to a line", (l) => l.with(2, ` ${l[2]}`), {
    line: 3,
    kind: "edited",
    detail: "its hash is no longer the one line 4 recorded for it",
  }],
  ["an edited sequence number", (l) => l.with(2, edit(l[2]!, { seq: 7 })), {
    line: 3,
    kind: "edited",
    detail: "its sequence number is 7 where 2 belongs",
  }],
  ["a deleted middle line", (l) => l.toSpliced(2, 1), {
    line: 3,
    kind: "deleted",
    detail: "entry #2 is missing before this line",
  }],
  ["two deleted lines at the start", (l) => l.slice(2), {
    line: 1,
    kind: "deleted",
    detail: "entries #0–#1 are missing before this line",
  }],
  ["two lines swapped", (l) => [l[0]!, l[2]!, l[1]!, l[3]!, l[4]!], {
    line: 2,
    kind: "reordered",
    detail: "entry #2 is out of place: it follows line 3, further down",
  }],
  ["the last two lines swapped", (l) => [...l.slice(0, 3), l[4]!, l[3]!], {
    line: 4,
    kind: "reordered",
    detail: "entry #4 is out of place: it follows line 5, further down",
  }],
  ["a copy of the first line inserted", (l) => l.toSpliced(2, 0, l[0]!), {
    line: 3,
    kind: "inserted",
    detail: "line 3 is not part of the chain: line 4 continues from line 2",
  }],
  ["a forged line with the right seq and prev inserted", (l) => {
    const forged = edit(l[2]!, { id: "forged", reason: "looks real" });
    return l.toSpliced(2, 0, forged);
  }, {
    line: 3,
    kind: "inserted",
    detail: "line 3 is not part of the chain: line 4 continues from line 2",
  }],
  ["a copy of a line appended at the end", (l) => [...l, l[1]!], {
    line: 6,
    kind: "inserted",
    detail: "entry #1 appears a second time (a copy or a forgery)",
  }],
  ["the last two lines cut off", (l) => l.slice(0, 3), {
    line: 4,
    kind: "truncated",
    detail: "the log ends after 3 entries, but 5 were written: the end was cut off",
  }],
  ["the whole log emptied", () => "", {
    line: 1,
    kind: "truncated",
    detail: "the log ends after 0 entries, but 5 were written: the end was cut off",
  }],
  ["the last line cut mid-entry", (l) => `${l.slice(0, 4).join("\n")}\n${l[4]!.slice(0, 40)}`, {
    line: 5,
    kind: "truncated",
    detail: "the last entry is cut off mid-line",
  }],
  ["the final newline removed", (l) => l.join("\n"), {
    line: 5,
    kind: "truncated",
    detail: "the last entry has no newline after it: its write was cut short",
  }],
  ["a line that is not JSON", (l) => l.with(1, "approved everything {"), {
    line: 2,
    kind: "not-json",
    detail: "not JSON",
  }],
  ["an empty line inserted", (l) => l.toSpliced(3, 0, ""), {
    line: 4,
    kind: "not-json",
    detail: "not JSON",
  }],
  ["JSON that is not an entry", (l) => l.with(3, '{"seq":3}'), {
    line: 4,
    kind: "not-json",
    detail:
      "JSON, but not an audit entry (prev: Invalid input: expected string, received undefined)",
  }],
];

for (const [name, tamper, expected] of CASES) {
  Deno.test(`verifyAudit() on ${name}: ${expected?.kind ?? "intact"}`, async () => {
    assert.deepEqual(await verifyTampered(tamper), expected);
  });
}

Deno.test("verifyAudit() reports a missing or invalid head as a broken chain", async () => {
  assert.deepEqual(await verifyTampered((l) => l, { head: "delete" }), {
    line: 5,
    kind: "head",
    detail: "audit.head is missing, so whether entries were cut from the end cannot be told",
  });
  const broken = await verifyTampered((l) => l, { head: "{not json" });
  assert.equal(broken?.kind, "head");
  assert.match(broken?.detail ?? "", /audit\.head is not JSON$/);
  // Lines appended after the head's last entry, even ones that chain correctly.
  assert.deepEqual(
    await verifyTampered((l) => l.slice(0, 5), {
      head: '{"entries":3,"last":"' + "0".repeat(64) + '","bytes":0}',
    }),
    {
      line: 4,
      kind: "inserted",
      detail: "lines 4–5 are past the last entry bot-bottle wrote (#2)",
    },
  );
});

Deno.test("verifyAudit() of a bottle with no decisions is intact; of no bottle, NotFoundError", async () => {
  await using home = await tempBotHome();
  await Deno.mkdir(home.paths.stateDir(SLUG), { recursive: true });
  assert.deepEqual(await verifyAudit(home.paths, SLUG), {
    log: join(home.paths.stateDir(SLUG), "audit.jsonl"),
    lines: 0,
  });
  await assert.rejects(verifyAudit(home.paths, "bb-2"), (err: unknown) => {
    assert.ok(err instanceof NotFoundError);
    assert.match(err.message, /^No state for bottle "bb-2": .*state\/bb-2 does not exist$/);
    return true;
  });
});

Deno.test("verifyAudit() refuses a log that is a FIFO or a symlink, without blocking", async () => {
  await using home = await tempBotHome();
  const dir = home.paths.stateDir(SLUG);
  await Deno.mkdir(dir, { recursive: true });
  const log = join(dir, "audit.jsonl");
  assert.equal((await new Deno.Command("mkfifo", { args: [log] }).output()).code, 0);
  await assert.rejects(verifyAudit(home.paths, SLUG), /audit log .* is a FIFO, not a regular file/);
  await Deno.remove(log);
  await Deno.symlink("/etc/hostname", log);
  await assert.rejects(verifyAudit(home.paths, SLUG), /audit log .* is a symlink/);
});
