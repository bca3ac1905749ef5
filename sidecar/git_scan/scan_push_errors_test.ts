import assert from "node:assert/strict";
import { join } from "node:path";
import { DlpEngine } from "../../core/dlp/mod.ts";
import { scanPush } from "./mod.ts";
import { GitFixture, SECRETS, ZERO } from "./_testing.ts";

/** A fake git: a script that runs `body` (argv is ignored). */
async function fakeGit(dir: string, body: string): Promise<string> {
  const path = join(dir, "fake-git");
  await Deno.writeTextFile(path, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

Deno.test("scanPush() kills git and throws when it runs past the timeout", async () => {
  await using repo = await GitFixture.create();
  // `sleep` is a grandchild that keeps the pipes open after git is killed; it exits on its own.
  const git = await fakeGit(repo.dir, "echo partial; sleep 3");
  const started = performance.now();
  await assert.rejects(
    repo.scan([{ old: ZERO, new: "a".repeat(40), ref: "refs/heads/main" }], {
      git,
      timeoutMs: 200,
    }),
    (e: unknown) =>
      e instanceof Deno.errors.TimedOut && /git rev-list timed out after 200 ms/.test(e.message),
  );
  assert.ok(performance.now() - started < 2_000, "the scan waited for the pipes to close");
});

Deno.test("scanPush() times out a diff that hangs mid-output", async () => {
  await using repo = await GitFixture.create();
  const id = "b".repeat(40);
  // rev-list lists one root commit; diff-tree then prints a header and hangs.
  const git = await fakeGit(
    repo.dir,
    `case "$*" in *rev-list*) echo ${id};; *) echo 'diff --git a/x b/x'; exec sleep 30;; esac`,
  );
  await assert.rejects(
    repo.scan([{ old: ZERO, new: id, ref: "refs/heads/main" }], { git, timeoutMs: 300 }),
    (e: unknown) => e instanceof Deno.errors.TimedOut && /git diff-tree/.test(e.message),
  );
});

Deno.test("scanPush() throws with git's stderr when git fails, never reporting no findings", async (t) => {
  await using repo = await GitFixture.create();
  await repo.commit("x", { "a.txt": `${SECRETS.github}\n` });
  await t.step("unknown commit", async () => {
    await assert.rejects(
      repo.scan([{ old: ZERO, new: "c".repeat(40), ref: "refs/heads/main" }]),
      /Cannot scan push: git rev-list failed \(exit \d+\): .*c{40}/,
    );
  });
  await t.step("not a repository", async () => {
    await assert.rejects(
      scanPush([{ old: ZERO, new: "c".repeat(40), ref: "refs/heads/main" }], {
        gitDir: join(repo.dir, "missing.git"),
        env: repo.env,
        dlp: new DlpEngine({ knownSecrets: [] }),
        timeoutMs: 10_000,
      }),
      /Cannot scan push: git rev-list failed .*not a git repository/,
    );
  });
  await t.step("a diff that fails after printing", async () => {
    const id = "d".repeat(40);
    const git = await fakeGit(
      repo.dir,
      `case "$*" in *rev-list*) echo ${id};; *) printf '+${SECRETS.github}\\n'; echo boom >&2; exit 3;; esac`,
    );
    await assert.rejects(
      repo.scan([{ old: ZERO, new: id, ref: "refs/heads/main" }], { git }),
      /Cannot scan push: git diff-tree failed \(exit 3\): boom/,
    );
  });
  await t.step("a missing git binary", async () => {
    await assert.rejects(
      repo.scan([{ old: ZERO, new: "c".repeat(40), ref: "refs/heads/main" }], {
        git: join(repo.dir, "no-such-git"),
      }),
      /Cannot scan push: cannot run ".*no-such-git"/,
    );
  });
});

Deno.test("scanPush() refuses diff output it cannot scan", async () => {
  await using repo = await GitFixture.create();
  const id = "e".repeat(40);
  const diff = "diff --git a/x b/x\\n--- a/x\\n+++ b/x\\nBinary files a/x and b/x differ\\n";
  const git = await fakeGit(
    repo.dir,
    `case "$*" in *rev-list*) echo ${id};; *) printf '${diff}';; esac`,
  );
  await assert.rejects(
    repo.scan([{ old: ZERO, new: id, ref: "refs/heads/main" }], { git }),
    /Cannot scan push: git printed a binary diff/,
  );
});

Deno.test("scanPush() rejects a malformed update before running git", async () => {
  await using repo = await GitFixture.create();
  const git = "/nonexistent/git";
  for (
    const [update, message] of [
      [{ old: ZERO, new: "--all", ref: "refs/heads/main" }, /new id "--all" is not/],
      [{ old: ZERO, new: "a".repeat(40), ref: "main" }, /does not start with "refs\/"/],
    ] as const
  ) {
    await assert.rejects(
      repo.scan([update], { git }),
      (e: unknown) => e instanceof TypeError && message.test(e.message),
    );
  }
});
