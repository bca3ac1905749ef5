import assert from "node:assert/strict";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { describeFinding, type PushFinding } from "./mod.ts";
import { GitFixture, metadataBytes, SECRETS, ZERO } from "./_testing.ts";

/** The parts of a finding a user sees, minus the snippet. */
function where(f: PushFinding): string {
  return `${f.ref} ${f.commit} ${f.file}:${f.line} ${f.rule}`;
}

function assertRedacted(findings: readonly PushFinding[], secrets: readonly string[]): void {
  for (const f of findings) {
    for (const secret of secrets) {
      assert.ok(!f.snippet.includes(secret), `snippet ${f.snippet} shows the secret`);
      assert.ok(!describeFinding(f).includes(secret), "description shows the secret");
    }
  }
}

Deno.test("scanPush() finds nothing in a clean push and counts its commits, paths and lines", async () => {
  await using repo = await GitFixture.create();
  await repo.commit("one", { "README.md": "# hello\n" });
  await repo.commit("two", { "src/a.ts": "export const a = 1;\n" });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings, []);
  assert.equal(scan.commits, 2);
  assert.equal(
    scan.bytes,
    "README.md".length + "# hello".length + "src/a.ts".length + "export const a = 1;".length +
      metadataBytes("one") + metadataBytes("two"),
  );
});

Deno.test("scanPush() finds an AWS key pair with file, line, commit and rule", async () => {
  await using repo = await GitFixture.create();
  await repo.commit("base", { "README.md": "# hello\n" });
  await repo.publish("main");
  const commit = await repo.commit("creds", {
    "config/aws.env": [
      "# staging",
      "region = eu-west-1",
      `aws_access_key_id = ${SECRETS.awsKeyId}`,
      `aws_secret_access_key = ${SECRETS.awsSecret}`,
      "",
    ].join("\n"),
  });
  const scan = await repo.push("HEAD", "refs/heads/main", await repo.git(["rev-parse", "HEAD~1"]));
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} config/aws.env:3 aws_access_key_id`,
    `refs/heads/main ${commit} config/aws.env:4 aws_secret_access_key`,
  ]);
  assert.equal(scan.commits, 1);
  assert.ok(scan.findings.every((f) => f.detector === "token_patterns" && !f.suppressed));
  assertRedacted(scan.findings, [SECRETS.awsKeyId, SECRETS.awsSecret]);
  assert.equal(
    describeFinding(scan.findings[0]!),
    `refs/heads/main ${commit.slice(0, 12)} config/aws.env:3 aws_access_key_id ` +
      scan.findings[0]!.snippet,
  );
});

Deno.test("scanPush() numbers a token inserted into an existing file by its new line", async () => {
  await using repo = await GitFixture.create();
  const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`);
  await repo.commit("base", { "app/settings.py": `${lines.join("\n")}\n` });
  await repo.publish("main");
  lines.splice(5, 0, `TOKEN = "${SECRETS.github}"`);
  lines[8] = "line eight, edited";
  const commit = await repo.commit("token", { "app/settings.py": `${lines.join("\n")}\n` });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} app/settings.py:6 github_pat`,
  ]);
  assert.equal(
    scan.bytes,
    `TOKEN = "${SECRETS.github}"\nline eight, edited`.length + metadataBytes("token"),
  );
  assertRedacted(scan.findings, [SECRETS.github]);
});

Deno.test("scanPush() finds a multi-line private key block on its BEGIN line", async () => {
  await using repo = await GitFixture.create();
  const commit = await repo.commit("key", {
    "keys/id_ed25519": `# deploy key\n${SECRETS.privateKey}\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} keys/id_ed25519:2 private_key`,
  ]);
  assertRedacted(scan.findings, SECRETS.privateKey.split("\n").slice(1, 3));
});

Deno.test("scanPush() scans a binary file (with NUL bytes) as text", async () => {
  await using repo = await GitFixture.create();
  const bytes = new TextEncoder().encode(
    `\x00\x01\x02bin\nheader\x00\x7f\nk=${SECRETS.github}\x00\n`,
  );
  const commit = await repo.commit("blob", { "assets/blob.bin": bytes });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map(where), [
    `refs/heads/main ${commit} assets/blob.bin:3 github_pat`,
  ]);
});

Deno.test("scanPush() reports paths with spaces, non-ASCII and quoted characters", async () => {
  await using repo = await GitFixture.create();
  const names = ["dir with space/clé ключ.env", "tab\there.txt", 'quote"back\\slash.txt', "a b\tc"];
  const files = Object.fromEntries(names.map((n) => [n, `x\ntoken=${SECRETS.github}\n`]));
  const commit = await repo.commit("odd names", files);
  const scan = await repo.push("HEAD");
  assert.deepEqual(
    scan.findings.map(where).sort(),
    names.map((n) => `refs/heads/main ${commit} ${n}:2 github_pat`).sort(),
  );
  const tabbed = scan.findings.find((f) => f.file === "tab\there.txt")!;
  assert.ok(describeFinding(tabbed).includes(" tab\\x09here.txt:2 "), describeFinding(tabbed));
});

Deno.test("scanPush() finds the canary in base64", async () => {
  await using repo = await GitFixture.create();
  const commit = await repo.commit("exfil", {
    "notes.txt": `hi\n\ndata: ${btoa(SECRETS.canary)}\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${where(f)} ${f.detector}`), [
    `refs/heads/main ${commit} notes.txt:3 canary canary`,
  ]);
  assertRedacted(scan.findings, [SECRETS.canary, btoa(SECRETS.canary)]);
});

Deno.test("scanPush() finds known secrets of the engine in any file", async () => {
  await using repo = await GitFixture.create();
  const secret = "internal-db-password-9f8e7d6c";
  await repo.commit("leak", { "db.conf": `password=${secret.toUpperCase()}\n` });
  const dlp = new DlpEngine({ knownSecrets: [secret] });
  const scan = await repo.scan(
    [{ old: ZERO, new: await repo.stage("HEAD"), ref: "refs/heads/x" }],
    {
      dlp,
    },
  );
  assert.deepEqual(scan.findings.map((f) => `${f.file}:${f.line} ${f.detector}`), [
    "db.conf:1 known_secrets",
  ]);
});

Deno.test("scanPush() marks a finding suppressed only when its own line says gitleaks:allow", async () => {
  await using repo = await GitFixture.create();
  await repo.commit("allow", {
    "same.py": `x = 1\nTOKEN = "${SECRETS.github}"  # gitleaks:allow\n`,
    "other.py": `# gitleaks:allow\nTOKEN = "${SECRETS.github}"\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${f.file}:${f.line} ${f.suppressed}`).sort(), [
    "other.py:2 false",
    "same.py:2 true",
  ]);
  const same = scan.findings.find((f) => f.file === "same.py")!;
  assert.ok(describeFinding(same).endsWith(" (gitleaks:allow)"));
});

Deno.test("scanPush() maps findings in a multi-megabyte file and a 2 MB line", async () => {
  await using repo = await GitFixture.create();
  const filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit\n".repeat(60_000);
  const long = `${"z".repeat(1_500_000)} ${SECRETS.github} ${"y".repeat(600_000)} gitleaks:allow`;
  const commit = await repo.commit("big", {
    "big.txt": `${filler}${SECRETS.awsKeyId}\n${filler}`,
    "long.txt": `first\n${long}\nlast ${SECRETS.github}\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${where(f)} ${f.suppressed}`), [
    `refs/heads/main ${commit} big.txt:60001 aws_access_key_id false`,
    `refs/heads/main ${commit} long.txt:2 github_pat true`,
    `refs/heads/main ${commit} long.txt:3 github_pat false`,
  ]);
});

Deno.test("scanPush() suppresses a private key block only when every line says gitleaks:allow", async () => {
  await using repo = await GitFixture.create();
  const [begin, ...rest] = SECRETS.privateKey.split("\n");
  const allowed = SECRETS.privateKey.split("\n").map((l) => `${l} // gitleaks:allow`).join("\n");
  await repo.commit(`key\n\n${begin} gitleaks:allow\n${rest.join("\n")}`, {
    "begin_only.pem": `${begin} // gitleaks:allow\n${rest.join("\n")}\n`,
    "every_line.pem": `${allowed}\n`,
    "token.py": `TOKEN = "${SECRETS.github}"  # gitleaks:allow\n`,
  });
  const scan = await repo.push("HEAD");
  assert.deepEqual(scan.findings.map((f) => `${f.file}:${f.line} ${f.rule} ${f.suppressed}`), [
    "begin_only.pem:1 private_key false",
    "every_line.pem:1 private_key true",
    "token.py:1 github_pat true",
    "(commit message):3 private_key false",
  ]);
});
