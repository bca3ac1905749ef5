import assert from "node:assert/strict";
import { join } from "node:path";
import { forwardPush, forwardRefspecs, pushOptions } from "./_forward.ts";

const ENV = {
  PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_AUTHOR_NAME: "T",
  GIT_AUTHOR_EMAIL: "t@example.test",
  GIT_COMMITTER_NAME: "T",
  GIT_COMMITTER_EMAIL: "t@example.test",
};

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    env: { ...ENV, HOME: cwd },
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

async function commit(dir: string, name: string): Promise<string> {
  await Deno.writeTextFile(join(dir, name), `${name}\n`);
  await git(dir, "add", name);
  await git(dir, "commit", "-qm", name);
  return await git(dir, "rev-parse", "HEAD");
}

Deno.test("forwardRefspecs() forces only what is not a fast-forward, and deletes with :ref", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-fwd-" });
  try {
    await git(dir, "init", "-q", "-b", "main");
    const a = await commit(dir, "a");
    const b = await commit(dir, "b");
    await git(dir, "checkout", "-q", "-b", "side", a);
    const c = await commit(dir, "c");
    const zero = "0".repeat(40);
    const specs = await forwardRefspecs([
      { old: a, new: b, ref: "refs/heads/main" },
      { old: b, new: c, ref: "refs/heads/rewritten" },
      { old: zero, new: c, ref: "refs/heads/new" },
      { old: b, new: zero, ref: "refs/heads/gone" },
    ], { gitDir: join(dir, ".git"), env: { ...ENV, HOME: dir }, timeoutMs: 10_000 });
    assert.deepEqual(specs, [
      `${b}:refs/heads/main`,
      `+${c}:refs/heads/rewritten`,
      `${c}:refs/heads/new`,
      ":refs/heads/gone",
    ]);
    await assert.rejects(
      forwardRefspecs([{ old: "1".repeat(40), new: c, ref: "refs/heads/x" }], {
        gitDir: join(dir, ".git"),
        env: { ...ENV, HOME: dir },
        timeoutMs: 10_000,
      }),
      /git merge-base failed/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("forwardPush() pushes the refspecs with the client's push options", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-fwd-" });
  try {
    const upstream = join(dir, "upstream.git");
    await git(dir, "init", "-q", "--bare", upstream);
    await git(upstream, "config", "receive.advertisePushOptions", "true");
    await Deno.writeTextFile(
      join(upstream, "hooks", "pre-receive"),
      '#!/bin/sh\necho "options: $GIT_PUSH_OPTION_COUNT $GIT_PUSH_OPTION_0 $GIT_PUSH_OPTION_1" >&2\n',
      { mode: 0o755 },
    );
    const work = join(dir, "work");
    await Deno.mkdir(work);
    await git(work, "init", "-q", "-b", "main");
    const head = await commit(work, "a");
    const stderr = await forwardPush([`${head}:refs/heads/main`], {
      gitDir: join(work, ".git"),
      url: upstream,
      env: { ...ENV, HOME: dir },
      pushOptions: ["ci.skip", "a b=c"],
      timeoutMs: 10_000,
    });
    assert.match(stderr, /remote: options: 2 ci\.skip a b=c/);
    assert.equal(await git(upstream, "rev-parse", "refs/heads/main"), head);
    await assert.rejects(
      forwardPush([`+${"2".repeat(40)}:refs/heads/main`], {
        gitDir: join(work, ".git"),
        url: upstream,
        env: { ...ENV, HOME: dir },
        pushOptions: [],
        timeoutMs: 10_000,
      }),
      /git push failed/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pushOptions() reads GIT_PUSH_OPTION_* in order and ignores a bad count", () => {
  assert.deepEqual(
    pushOptions({ GIT_PUSH_OPTION_COUNT: "2", GIT_PUSH_OPTION_0: "x", GIT_PUSH_OPTION_1: "y=z" }),
    ["x", "y=z"],
  );
  assert.deepEqual(pushOptions({}), []);
  for (const count of ["-1", "1.5", "abc", "101"]) {
    assert.deepEqual(pushOptions({ GIT_PUSH_OPTION_COUNT: count, GIT_PUSH_OPTION_0: "x" }), []);
  }
});
