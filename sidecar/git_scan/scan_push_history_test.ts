import assert from "node:assert/strict";
import type { PushFinding } from "./mod.ts";
import { GitFixture, metadataBytes, SECRETS, ZERO } from "./_testing.ts";

function where(f: PushFinding): string {
  return `${f.ref} ${f.commit} ${f.file}:${f.line} ${f.rule}`;
}

/** A gate whose main already holds a commit with a GitHub token in `old.env`. */
async function gateWithOldSecret(): Promise<GitFixture> {
  const repo = await GitFixture.create();
  await repo.commit("base", { "README.md": "# hello\n" });
  await repo.commit("old secret", { "old.env": `TOKEN=${SECRETS.github}\n` });
  await repo.publish("main");
  return repo;
}

Deno.test("scanPush() ignores an old finding in a new branch's history", async () => {
  await using repo = await gateWithOldSecret();
  await repo.git(["checkout", "-q", "-b", "feature"]);
  await repo.commit("clean", { "src/feature.ts": "export const on = true;\n" });
  const scan = await repo.push("HEAD", "refs/heads/feature");
  assert.deepEqual(scan.findings, []);
  assert.equal(scan.commits, 1);
});

Deno.test("scanPush() finds a secret added and removed again within the push", async () => {
  await using repo = await GitFixture.create();
  await repo.commit("base", { "README.md": "# hello\n" });
  await repo.publish("main");
  const old = await repo.git(["rev-parse", "HEAD"]);
  const added = await repo.commit("oops", { "ci.yml": `token: ${SECRETS.github}\n` });
  await repo.commit("remove", { "ci.yml": "token: ${{ secrets.TOKEN }}\n" });
  const scan = await repo.push("HEAD", "refs/heads/main", old);
  assert.deepEqual(scan.findings.map(where), [`refs/heads/main ${added} ci.yml:1 github_pat`]);
  assert.equal(scan.commits, 2);
});

Deno.test("scanPush() finds nothing in a pure rename of a file holding an old secret", async () => {
  await using repo = await gateWithOldSecret();
  const old = await repo.git(["rev-parse", "HEAD"]);
  await Deno.mkdir(`${repo.work}/config`);
  await repo.git(["mv", "old.env", "config/renamed.env"]);
  await repo.commit("rename", {});
  const scan = await repo.push("HEAD", "refs/heads/main", old);
  assert.deepEqual(scan.findings, []);
  assert.equal(scan.bytes, "config/renamed.env".length + metadataBytes("rename"));
});

Deno.test("scanPush() scans a commit reachable from two pushed refs once", async () => {
  await using repo = await GitFixture.create();
  const commit = await repo.commit("leak", { "a.txt": `${SECRETS.github}\n` });
  const id = await repo.stage("HEAD");
  const scan = await repo.scan([
    { old: ZERO, new: id, ref: "refs/heads/one" },
    { old: ZERO, new: id, ref: "refs/heads/two" },
  ]);
  assert.deepEqual(scan.findings.map(where), [`refs/heads/one ${commit} a.txt:1 github_pat`]);
  assert.equal(scan.commits, 1);
});

Deno.test("scanPush() skips a deletion without running git", async () => {
  await using repo = await GitFixture.create();
  const id = await repo.commit("x", { "a.txt": `${SECRETS.github}\n` });
  await repo.publish("main");
  const scan = await repo.scan([{ old: id, new: ZERO, ref: "refs/heads/main" }], {
    git: "/nonexistent/git",
  });
  assert.deepEqual(scan, { findings: [], commits: 0, bytes: 0 });
});

/**
 * main and side diverge from base, each adding a secret; side is already on the gate, and so is
 * main when `publishMain`.
 */
async function diverged(publishMain = false): Promise<GitFixture> {
  const repo = await GitFixture.create();
  await repo.commit("base", { "shared.txt": "one\ntwo\nthree\n" });
  await repo.publish("main");
  await repo.git(["checkout", "-q", "-b", "side"]);
  await repo.commit("side", {
    "side.env": `TOKEN=${SECRETS.github}\n`,
    "shared.txt": "one\ntwo\nthree\nfour\n",
  });
  await repo.publish("side");
  await repo.git(["checkout", "-q", "main"]);
  await repo.commit("main work", { "main.txt": `key=${SECRETS.awsKeyId}\n` });
  if (publishMain) await repo.publish("main");
  return repo;
}

Deno.test("scanPush() finds nothing in a merge of gated branches, whatever each parent adds", async () => {
  await using repo = await diverged(true);
  const old = await repo.git(["rev-parse", "main"]);
  await repo.git(["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
  const scan = await repo.push("HEAD", "refs/heads/main", old);
  assert.deepEqual(scan.findings, []);
  assert.equal(scan.commits, 1);
});

Deno.test("scanPush() finds a secret an evil merge adds itself", async () => {
  await using repo = await diverged();
  await repo.git(["merge", "-q", "--no-ff", "--no-commit", "side"]);
  const merge = await repo.commit("evil merge", {
    "shared.txt": `one\ntwo\nTOKEN=${SECRETS.github}\nthree\nfour\n`,
  });
  assert.equal((await repo.git(["rev-list", "--parents", "-n1", "HEAD"])).split(" ").length, 3);
  const scan = await repo.push("HEAD");
  const mainWork = await repo.git(["rev-parse", "HEAD^1"]);
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${mainWork} main.txt:1 aws_access_key_id`,
    `refs/heads/main ${merge} shared.txt:3 github_pat`,
  ]);
  // The main-branch commit's path and line, then only the evil line of the merge (it adds no
  // path); and both messages.
  assert.equal(
    scan.bytes,
    "main.txt".length + `key=${SECRETS.awsKeyId}`.length + `TOKEN=${SECRETS.github}`.length +
      metadataBytes("main work") + metadataBytes("evil merge"),
  );
});

Deno.test("scanPush() finds an evil line of an octopus merge", async () => {
  await using repo = await diverged();
  await repo.git(["checkout", "-q", "-b", "third", "main~1"]);
  await repo.commit("third", { "third.txt": "3\n" });
  await repo.git(["checkout", "-q", "main"]);
  await repo.git(["merge", "-q", "--no-ff", "--no-commit", "side", "third"]);
  const merge = await repo.commit("octopus", { "third.txt": `3\n${SECRETS.github}\n` });
  assert.equal((await repo.git(["rev-list", "--parents", "-n1", "HEAD"])).split(" ").length, 4);
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${f.commit} ${f.file}:${f.line} ${f.rule}`), [
    `${await repo.git(["rev-parse", "HEAD^1"])} main.txt:1 aws_access_key_id`,
    `${merge} third.txt:2 github_pat`,
  ]);
});
