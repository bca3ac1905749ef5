import assert from "node:assert/strict";
import { join } from "node:path";
import { forwardArgs, forwardPush, pushOptions } from "./_forward.ts";

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

Deno.test("forwardArgs() leases every update on what the gate saw, and deletes with :ref", () => {
  const [a, b, c] = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];
  const zero = "0".repeat(40);
  assert.deepEqual(
    forwardArgs([
      { old: a, new: b, ref: "refs/heads/main" },
      { old: zero, new: c, ref: "refs/heads/new" },
      { old: b, new: zero, ref: "refs/heads/gone" },
    ]),
    {
      refspecs: [`${b}:refs/heads/main`, `${c}:refs/heads/new`, ":refs/heads/gone"],
      leases: [
        `--force-with-lease=refs/heads/main:${a}`,
        "--force-with-lease=refs/heads/new:",
        `--force-with-lease=refs/heads/gone:${b}`,
      ],
    },
  );
});

Deno.test("forwardPush() forwards with push options, forces only over what the gate saw", async () => {
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
    const first = await commit(work, "a");
    const options = {
      gitDir: join(work, ".git"),
      url: upstream,
      env: { ...ENV, HOME: dir },
      pushOptions: [] as string[],
      timeoutMs: 10_000,
    };
    const zero = "0".repeat(40);
    const stderr = await forwardPush(
      forwardArgs([{ old: zero, new: first, ref: "refs/heads/main" }]),
      { ...options, pushOptions: ["ci.skip", "a b=c"] },
    );
    assert.match(stderr, /remote: options: 2 ci\.skip a b=c/);
    assert.equal(await git(upstream, "rev-parse", "refs/heads/main"), first);
    // A rewrite the gate saw coming: forced.
    await git(work, "commit", "-q", "--amend", "-m", "rewritten");
    const rewritten = await git(work, "rev-parse", "HEAD");
    await forwardPush(
      forwardArgs([{ old: first, new: rewritten, ref: "refs/heads/main" }]),
      options,
    );
    assert.equal(await git(upstream, "rev-parse", "refs/heads/main"), rewritten);
    // The upstream moved since the gate looked: the stale force is refused, nothing changes.
    const other = await commit(work, "b");
    await assert.rejects(
      forwardPush(forwardArgs([{ old: first, new: other, ref: "refs/heads/main" }]), options),
      /git push failed.*stale info/,
    );
    await assert.rejects(
      forwardPush(forwardArgs([{ old: zero, new: other, ref: "refs/heads/main" }]), options),
      /git push failed.*stale info/,
    );
    assert.equal(await git(upstream, "rev-parse", "refs/heads/main"), rewritten);
    await forwardPush(
      forwardArgs([{ old: rewritten, new: zero, ref: "refs/heads/main" }]),
      options,
    );
    assert.equal(await git(upstream, "for-each-ref"), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("pushOptions() reads GIT_PUSH_OPTION_* in order and refuses a malformed set", () => {
  assert.deepEqual(
    pushOptions({ GIT_PUSH_OPTION_COUNT: "2", GIT_PUSH_OPTION_0: "x", GIT_PUSH_OPTION_1: "y=z" }),
    ["x", "y=z"],
  );
  assert.deepEqual(pushOptions({}), []);
  for (const count of ["-1", "1.5", "abc", "1000"]) {
    assert.throws(() => pushOptions({ GIT_PUSH_OPTION_COUNT: count }), /malformed/);
  }
  assert.throws(
    () => pushOptions({ GIT_PUSH_OPTION_COUNT: "2", GIT_PUSH_OPTION_0: "x" }),
    /push option 1 is missing/,
  );
});
