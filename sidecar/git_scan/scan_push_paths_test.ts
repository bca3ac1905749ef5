import assert from "node:assert/strict";
import { describeFinding, type PushFinding } from "./mod.ts";
import { GitFixture, metadataBytes, SECRETS } from "./_testing.ts";

function where(f: PushFinding): string {
  return `${f.commit} ${f.file}:${f.line} ${f.rule} ${f.detector} ${f.suppressed}`;
}

/** A gate whose main holds a commit, with an empty file named like a GitHub token. */
async function gateWithSecretName(): Promise<GitFixture> {
  const repo = await GitFixture.create();
  await repo.commit("base", { "README.md": "# hello\n", [`${SECRETS.github}.txt`]: "" });
  await repo.publish("main");
  return repo;
}

Deno.test("scanPush() finds an empty file named like a GitHub token by its path", async () => {
  await using repo = await GitFixture.create();
  const name = `${SECRETS.github}.txt`;
  const commit = await repo.commit("empty", { [name]: "" });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `${commit} (path):1 github_pat token_patterns false`,
  ]);
  assert.equal(scan.bytes, name.length + metadataBytes("empty"));
  const finding = scan.findings[0]!;
  assert.ok(!finding.snippet.includes(SECRETS.github), finding.snippet);
  assert.ok(!describeFinding(finding).includes(SECRETS.github), describeFinding(finding));
});

Deno.test("scanPush() finds a directory named with the canary in base64", async () => {
  await using repo = await GitFixture.create();
  const dir = btoa(SECRETS.canary);
  assert.ok(!dir.includes("/"));
  const commit = await repo.commit("dir", { [`${dir}/notes.txt`]: "hi\n" });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [`${commit} (path):1 canary canary false`]);
  assert.ok(!scan.findings[0]!.snippet.includes(dir), scan.findings[0]!.snippet);
});

Deno.test("scanPush() finds a rename to a secret name, never suppressed by gitleaks:allow", async () => {
  await using repo = await GitFixture.create();
  await repo.commit("base", { "notes.txt": "plain\n" });
  await repo.publish("main");
  const old = await repo.git(["rev-parse", "HEAD"]);
  await repo.git(["mv", "notes.txt", `${SECRETS.github} gitleaks:allow`]);
  const commit = await repo.commit("rename", {});
  const scan = await repo.push("HEAD", "refs/heads/main", old);
  assert.deepEqual(scan.findings.map(where), [
    `${commit} (path):1 github_pat token_patterns false`,
  ]);
});

Deno.test("scanPush() skips the name of a deleted file and of a file the commit leaves alone", async () => {
  await using repo = await gateWithSecretName();
  const old = await repo.git(["rev-parse", "HEAD"]);
  await repo.commit("touch other", { "README.md": "# hello again\n" });
  await repo.commit("delete", { [`${SECRETS.github}.txt`]: null });
  const scan = await repo.push("HEAD", "refs/heads/main", old);
  assert.deepEqual(scan.findings, []);
  assert.equal(scan.commits, 2);
});

Deno.test("scanPush() finds a new secret name in a merge once, not the names either parent had", async () => {
  await using repo = await gateWithSecretName();
  await repo.git(["checkout", "-q", "-b", "side"]);
  await repo.commit("side", { [`${SECRETS.awsKeyId}.pem`]: "" });
  await repo.publish("side");
  await repo.git(["checkout", "-q", "main"]);
  await repo.commit("main work", { "main.txt": "work\n" });
  await repo.git(["merge", "-q", "--no-ff", "--no-commit", "side"]);
  const evil = `evil/${SECRETS.github}`;
  const merge = await repo.commit("evil merge", { [evil]: "" });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `${merge} (path):1 github_pat token_patterns false`,
  ]);
});
