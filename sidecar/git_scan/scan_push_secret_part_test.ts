import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import type { PushFinding } from "./mod.ts";
import { GitFixture, SECRETS, ZERO } from "./_testing.ts";

/** The fixture canary without its public prefix `bb-canary-`: 24 hex digits. */
const RANDOM = SECRETS.canary.slice("bb-canary-".length);

function where(f: PushFinding): string {
  return `${f.file}:${f.line} ${f.detector}`;
}

/** Commit a gitlink (a submodule entry: no file, just an object id in the tree). */
async function addGitlink(repo: GitFixture, id: string): Promise<void> {
  await repo.git(["update-index", "--add", "--cacheinfo", `160000,${id},vendor/lib`]);
  // `commit -a`-style helpers would drop the entry: it has no file in the work tree.
  await repo.git(["commit", "-q", "-m", "vendor a library"], repo.work, {
    GIT_AUTHOR_DATE: "1699999999 +0000",
    GIT_COMMITTER_DATE: "1699999999 +0000",
  });
}

Deno.test("scanPush() finds the canary's random part alone, and reversed", async () => {
  await using repo = await GitFixture.gated();
  await repo.commit("ids", {
    "ids.txt": `build id: ${RANDOM}\n`,
    "rev.txt": `x\n${[...RANDOM].reverse().join("")}\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), ["ids.txt:1 canary", "rev.txt:2 canary"]);
  for (const f of scan.findings) assert.ok(!f.snippet.includes(RANDOM.slice(0, 8)), f.snippet);
});

Deno.test("scanPush() finds the canary's random part used as a gitlink's object id", async () => {
  await using repo = await GitFixture.gated();
  const id = `${RANDOM}${"0".repeat(40 - RANDOM.length)}`;
  await addGitlink(repo, id);
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), ["vendor/lib:1 canary"]);
});

Deno.test("scanPush() does not mistake another gitlink or a near miss for the canary", async () => {
  await using repo = await GitFixture.gated();
  const near = `${RANDOM.slice(0, -1)}${RANDOM.endsWith("0") ? "1" : "0"}`;
  await addGitlink(repo, "ab".repeat(20));
  await repo.commit("near", { "ids.txt": `build id: ${near}\n${RANDOM.slice(4)}\n` });
  assert.deepEqual((await repo.push("HEAD")).findings, []);
});

Deno.test("scanPush() finds a known secret split across two files, in one commit or two", async () => {
  const secret = "Vb8nQ3xZ7kW2mR5tY9pL4cJ6";
  for (const commits of [1, 2]) {
    await using repo = await GitFixture.gated();
    const first = { "a.txt": `notes\nkey part: ${secret.slice(0, 12)}\n` };
    const second = { "b.txt": `${secret.slice(12)}\nmore notes\n` };
    if (commits === 1) await repo.commit("both", { ...first, ...second });
    else {
      await repo.commit("first", first);
      await repo.commit("second", second);
    }
    const scan = await repo.scan([{
      old: ZERO,
      new: await repo.stage("HEAD"),
      ref: "refs/heads/main",
    }], {
      dlp: new DlpEngine({ knownSecrets: [secret], canary: SECRETS.canary }),
    });
    assert.deepEqual(scan.findings.map(where), ["b.txt:1 known_secrets"], `${commits} commit(s)`);
    assert.match(scan.findings[0]!.snippet, /split across two pieces/);
  }
});
