import assert from "node:assert/strict";
import { describeFinding, type PushFinding } from "./mod.ts";
import { GitFixture, SECRETS } from "./_testing.ts";

function where(f: PushFinding): string {
  return `${f.ref} ${f.commit} ${f.file}:${f.line} ${f.rule} ${f.detector} ${f.suppressed}`;
}

function assertRedacted(findings: readonly PushFinding[], secret: string): void {
  assert.ok(findings.length > 0);
  for (const f of findings) {
    assert.ok(!f.snippet.includes(secret), `snippet ${f.snippet} shows the secret`);
    assert.ok(!describeFinding(f).includes(secret), "description shows the secret");
  }
}

Deno.test("scanPush() finds a secret in a commit message on its message line", async () => {
  await using repo = await GitFixture.gated();
  const commit = await repo.commit(`fix ci\n\nthe token was\ntoken: ${SECRETS.github}\n`, {});
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} (commit message):4 github_pat token_patterns false`,
  ]);
  assert.equal(scan.commits, 1);
  assertRedacted(scan.findings, SECRETS.github);
});

Deno.test("scanPush() finds the canary in base64 in a commit message", async () => {
  await using repo = await GitFixture.gated();
  const commit = await repo.commit(`notes ${btoa(SECRETS.canary)}`, {});
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} (commit message):1 canary canary false`,
  ]);
  assertRedacted(scan.findings, btoa(SECRETS.canary));
});

Deno.test("scanPush() finds a secret in an author name on its header line", async () => {
  await using repo = await GitFixture.gated();
  await repo.git(["commit", "-q", "--allow-empty", "-m", "clean"], repo.work, {
    GIT_AUTHOR_NAME: `Agent ${SECRETS.github}`,
  });
  const commit = await repo.git(["rev-parse", "HEAD"]);
  const scan = await repo.push("HEAD");
  // Line 1 is the tree, line 2 the parent, line 3 the author.
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} (commit header):3 github_pat token_patterns false`,
  ]);
  assertRedacted(scan.findings, SECRETS.github);
});

Deno.test("scanPush() marks a message finding suppressed only on a gitleaks:allow line", async () => {
  await using repo = await GitFixture.gated();
  await repo.commit(
    `add keys\n\n${SECRETS.awsKeyId} gitleaks:allow\ngitleaks:allow\n${SECRETS.github}`,
    {},
  );
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.suppressed}`), [
    "(commit message):3 aws_access_key_id true",
    "(commit message):5 github_pat false",
  ]);
  assert.ok(describeFinding(scan.findings[0]!).endsWith(" (gitleaks:allow)"));
});

Deno.test("scanPush() finds a secret in a new annotated tag's message, not in its gated commit", async () => {
  await using repo = await GitFixture.gated();
  await repo.git(["tag", "-a", "-m", `release\n\nkey ${SECRETS.awsKeyId}`, "v1"]);
  const tag = await repo.git(["rev-parse", "v1"]);
  const scan = await repo.push("v1", "refs/tags/v1");
  assert.deepEqual(scan.findings.map(where), [
    `refs/tags/v1 ${tag} (tag message):3 aws_access_key_id token_patterns false`,
  ]);
  assert.equal(scan.commits, 0);
  assertRedacted(scan.findings, SECRETS.awsKeyId);
});

Deno.test("scanPush() scans every new tag of a chain and a tag's new commits", async () => {
  await using repo = await GitFixture.gated();
  const commit = await repo.commit(`c ${SECRETS.github}`, {});
  await repo.git(["tag", "-a", "-m", `inner ${SECRETS.github}`, "inner"]);
  await repo.git(["tag", "-a", "-m", `outer ${SECRETS.github}`, "outer", "inner"]);
  const [inner, outer] = [
    await repo.git(["rev-parse", "inner"]),
    await repo.git(["rev-parse", "outer"]),
  ];
  const scan = await repo.push("outer", "refs/tags/outer");
  assert.deepEqual(scan.findings.map((f) => `${f.commit} ${f.file}:${f.line}`), [
    `${commit} (commit message):1`,
    `${outer} (tag message):1`,
    `${inner} (tag message):1`,
  ]);
});

Deno.test("scanPush() skips a tag the gate already has and a lightweight tag to a gated commit", async () => {
  await using repo = await GitFixture.gated();
  await repo.git(["tag", "-a", "-m", `old ${SECRETS.github}`, "v1"]);
  await repo.publish("v1");
  await repo.git(["tag", "light", "main"]);
  const tag = await repo.git(["rev-parse", "v1"]);
  const main = await repo.git(["rev-parse", "main"]);
  const scan = await repo.scan([
    { old: "0".repeat(40), new: tag, ref: "refs/tags/again" },
    { old: "0".repeat(40), new: main, ref: "refs/tags/light" },
  ]);
  assert.deepEqual(scan, { findings: [], commits: 0, bytes: 0 });
});

Deno.test("scanPush() refuses a tag to a tree the gate does not have", async () => {
  await using repo = await GitFixture.gated();
  await repo.commit("more", { "secret.txt": `${SECRETS.github}\n` });
  await repo.git(["tag", "-a", "-m", "a tree", "tree-tag", "HEAD^{tree}"]);
  await assert.rejects(
    repo.push("tree-tag", "refs/tags/tree-tag"),
    /Cannot scan push of "refs\/tags\/tree-tag": it points at a tree, not a commit/,
  );
  await assert.rejects(
    repo.push("HEAD:secret.txt", "refs/tags/blob"),
    /Cannot scan push of "refs\/tags\/blob": it points at a blob, not a commit/,
  );
});
