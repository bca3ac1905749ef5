import assert from "node:assert/strict";
import { join } from "node:path";
import { PROCESSED_DIR, writeResponse } from "../../core/queue/mod.ts";
import { runPreReceive } from "./mod.ts";
import { makeGate, processesMentioning, silentUpstream } from "./_testing.ts";

const AWS = `AKIA${"Q3ZT7WX2K5MN4PLR"}`;
const ZERO = "0".repeat(40);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args,
    cwd,
    env: {
      GIT_CONFIG_NOSYSTEM: "1",
      HOME: cwd,
      GIT_AUTHOR_NAME: "T",
      GIT_AUTHOR_EMAIL: "t@example.test",
      GIT_COMMITTER_NAME: "T",
      GIT_COMMITTER_EMAIL: "t@example.test",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  assert.equal(out.code, 0, `git ${args.join(" ")}: ${text.decode(out.stderr)}`);
  return text.decode(out.stdout).trim();
}

/**
 * A mirror holding one commit on main, and a new commit adding `file` with `line` whose objects
 * are in the mirror but no ref points at it (as inside pre-receive). Its upstream refuses
 * connections unless given a port.
 */
async function bed(file: string, line: string, upstreamPort?: number) {
  const { root, dirs } = await makeGate(
    "bb-hook-",
    upstreamPort === undefined ? {} : { port: upstreamPort },
  );
  const mirror = join(dirs.mirrorDir, "app.git");
  const work = join(root, "work");
  await Deno.mkdir(work);
  await git(work, "init", "-q", "-b", "main");
  await Deno.writeTextFile(join(work, "README"), "hello\n");
  await git(work, "add", "README");
  await git(work, "commit", "-qm", "first");
  const old = await git(work, "rev-parse", "HEAD");
  await git(work, "push", "-q", mirror, "main");
  await Deno.writeTextFile(join(work, file), `${line}\n`);
  await git(work, "add", file);
  await git(work, "commit", "-qm", "second");
  const next = await git(work, "rev-parse", "HEAD");
  await git(work, "push", "-q", mirror, `${next}:refs/tmp/new`);
  await git(mirror, "update-ref", "-d", "refs/tmp/new");
  const queueDir = join(root, "queue");
  const said: string[] = [];
  const reportFile = join(dirs.privateDir, "report.log");
  /** What the hook is subscribed to as its stop (see `PreReceiveIo.onStop`). */
  const stops = new Set<() => void>();
  const run = (
    options: {
      allowTimeoutMs?: number;
      stdin?: string;
      repoName?: string;
      env?: Record<string, string>;
    } = {},
  ) =>
    runPreReceive({
      dirs,
      repoName: options.repoName ?? "app",
      reportFile,
      queue: { dir: queueDir, bottleSlug: "dev-1" },
      canary: "bbcanary-0123456789abcdef",
      allowTimeoutMs: options.allowTimeoutMs ?? 5_000,
      timeoutMs: 20_000,
    }, {
      stdin: options.stdin ?? `${old} ${next} refs/heads/main\n`,
      env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...options.env },
      gitDir: mirror,
      say: (l) => said.push(l),
      onStop: (stop) => {
        stops.add(stop);
        return () => stops.delete(stop);
      },
    });
  return {
    run,
    said,
    /** Tell the running hook to stop, as SIGTERM does in the gate. */
    stop: () => stops.forEach((stop) => stop()),
    /** How many stops the hook listens for now. */
    subscribed: () => stops.size,
    ids: { old, next },
    privateDir: dirs.privateDir,
    queueDir,
    report: async () =>
      (await Deno.readTextFile(reportFile)).trim().split("\n").map((l) => JSON.parse(l)),
    async [Symbol.asyncDispose]() {
      await Deno.remove(root, { recursive: true });
    },
  };
}

async function proposals(
  dir: string,
): Promise<{ id: string; tool: string; proposed_file: string }[]> {
  const found = [];
  for (let i = 0; i < 100 && found.length === 0; i++) {
    try {
      for await (const entry of Deno.readDir(dir)) {
        if (entry.name.endsWith(".proposal.json")) {
          found.push(JSON.parse(await Deno.readTextFile(join(dir, entry.name))));
        }
      }
    } catch {
      // Not created yet.
    }
    if (found.length === 0) await new Promise((r) => setTimeout(r, 50));
  }
  return found;
}

Deno.test("runPreReceive() refuses a push adding a secret before contacting the upstream", async () => {
  await using b = await bed("aws.env", `AWS_ACCESS_KEY_ID=${AWS}`);
  assert.equal(await b.run(), 1);
  assert.equal(b.said[0], "git gate: push refused: 1 secret(s) in the new commits");
  assert.match(
    b.said[1] ?? "",
    /^ {2}refs\/heads\/main [0-9a-f]{12} aws\.env:1 aws_access_key_id /,
  );
  assert.ok(!b.said.join("\n").includes(AWS));
  const [event] = await b.report();
  assert.equal(event.event, "push_refused");
  assert.equal(event.reason, "secrets");
  assert.equal(event.findings[0].file, "aws.env");
  assert.ok(!JSON.stringify(event).includes(AWS));
});

Deno.test("runPreReceive() ends the upstream connection it opened when it refuses a secret", async () => {
  using upstream = silentUpstream();
  await using b = await bed("aws.env", `AWS_ACCESS_KEY_ID=${AWS}`, upstream.port);
  assert.equal(await b.run(), 1);
  assert.equal(b.said[0], "git gate: push refused: 1 secret(s) in the new commits");
  assert.equal(upstream.accepted(), 1, "the connection was opened during the scan");
  assert.deepEqual(await processesMentioning(b.privateDir), [], "an ssh process is left");
  const left = [];
  for await (const entry of Deno.readDir(b.privateDir)) left.push(entry.name);
  assert.ok(!left.some((name) => name.startsWith("ssh-")), left.join(" "));
});

Deno.test("runPreReceive() refuses the bottle's canary", async () => {
  await using b = await bed("note.txt", `see ${btoa("bbcanary-0123456789abcdef")}`);
  assert.equal(await b.run(), 1);
  assert.match(b.said[1] ?? "", /note\.txt:1 .*canary/);
});

Deno.test("runPreReceive() asks about gitleaks:allow and refuses on reject, with the reason", async () => {
  await using b = await bed("fixture.env", `KEY=${AWS} # gitleaks:allow`);
  const running = b.run();
  const [proposal] = await proposals(b.queueDir);
  assert.equal(proposal?.tool, "gitleaks-allow");
  assert.match(proposal?.proposed_file ?? "", /fixture\.env:1/);
  assert.ok(!proposal?.proposed_file.includes(AWS));
  await writeResponse(b.queueDir, proposal!.id, { status: "rejected", notes: "real key" });
  assert.equal(await running, 1);
  assert.match(b.said.join("\n"), /wait for the operator \(proposal [0-9a-f]{8}/);
  assert.equal(b.said.at(-1), "git gate: push refused: the operator rejected it: real key");
});

Deno.test("runPreReceive() forwards after approval and refuses when the upstream is down", async () => {
  await using b = await bed("fixture.env", `KEY=${AWS} # gitleaks:allow`);
  const running = b.run();
  const [proposal] = await proposals(b.queueDir);
  await writeResponse(b.queueDir, proposal!.id, { status: "approved", notes: "fixture" });
  assert.equal(await running, 1);
  assert.match(b.said.join("\n"), /the operator approved the gitleaks:allow lines \(fixture\)/);
  assert.match(b.said.at(-1) ?? "", /^git gate: push refused: git push failed.*Connection refused/);
  const events = (await b.report()).map((e) => e.event);
  assert.deepEqual(events, [
    "push_waiting",
    "gitleaks_allow_approved",
    "forward_started",
    "push_refused",
  ]);
});

Deno.test("runPreReceive() withdraws an unanswered gitleaks:allow proposal and refuses", async () => {
  await using b = await bed("fixture.env", `KEY=${AWS} # gitleaks:allow`);
  assert.equal(await b.run({ allowTimeoutMs: 300 }), 1);
  assert.equal(b.said.at(-1), "git gate: push refused: no operator answer within 0.3s");
  const left = [];
  for await (const entry of Deno.readDir(b.queueDir)) if (entry.isFile) left.push(entry.name);
  assert.deepEqual(left, []);
  const archived = [];
  for await (const entry of Deno.readDir(join(b.queueDir, PROCESSED_DIR))) {
    archived.push(entry.name);
  }
  assert.equal(archived.length, 1);
});

Deno.test("runPreReceive() tries to forward a clean push and refuses when the upstream is down", async () => {
  await using b = await bed("clean.txt", "nothing to see");
  assert.equal(await b.run(), 1);
  assert.match(b.said.at(-1) ?? "", /^git gate: push refused: git push failed.*Connection refused/);
  const [started, event] = await b.report();
  assert.equal(started.event, "forward_started");
  assert.equal(event.event, "push_refused");
  assert.match(event.reason, /Connection refused/);
});

Deno.test("runPreReceive() refuses a push whose claimed old id is not the mirror's", async () => {
  await using b = await bed("clean.txt", "nothing to see");
  const { next } = b.ids;
  for (const claimed of [next, "0".repeat(40)]) {
    b.said.length = 0;
    assert.equal(await b.run({ stdin: `${claimed} ${next} refs/heads/main\n` }), 1);
    assert.deepEqual(b.said, [
      "git gate: push refused:",
      "  1 ref(s) changed since this push began; fetch and push again",
    ]);
  }
  assert.equal(await b.run({ stdin: `${"0".repeat(40)} ${next} refs/heads/other\n` }), 1);
  assert.match(b.said.at(-1) ?? "", /git push failed/, "a new ref with a true old id goes on");
});

Deno.test("runPreReceive() withdraws its proposal when stopped while waiting", async () => {
  await using b = await bed("fixture.env", `KEY=${AWS} # gitleaks:allow`);
  const running = b.run({ allowTimeoutMs: 30_000 });
  const [proposal] = await proposals(b.queueDir);
  assert.ok(proposal !== undefined);
  assert.equal(b.subscribed(), 1, "the hook listens for its stop while it waits");
  b.stop();
  assert.equal(await running, 1);
  assert.equal(b.subscribed(), 0, "and stops listening once it is done");
  assert.equal(
    b.said.at(-1),
    "git gate: push refused: it was stopped while it waited for the operator",
  );
  assert.deepEqual(await proposals(b.queueDir).then((p) => p.length), 0);
});

Deno.test("runPreReceive() refuses malformed input and an undeclared repo", async () => {
  await using b = await bed("clean.txt", "nothing to see");
  assert.equal(await b.run({ stdin: `${ZERO} not-an-id refs/heads/main\n` }), 1);
  assert.match(
    b.said.at(-1) ?? "",
    /^git gate: push refused: Cannot read pre-receive input: line 1/,
  );
  assert.equal(await b.run({ repoName: "nope" }), 1);
  assert.match(b.said.at(-1) ?? "", /^git gate: push refused: the gate has no repo "nope"/);
});

Deno.test("runPreReceive() refuses secrets in ref names and push options, and odd namespaces", async () => {
  await using b = await bed("clean.txt", "nothing to see");
  const { old, next } = b.ids;
  const token = `ghp_${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}`;
  const cases: [Parameters<typeof b.run>[0], RegExp][] = [
    [{ stdin: `${old} ${next} refs/heads/${token}\n` }, /^ {2}\(ref name\) github_pat ghp_/],
    [
      { stdin: `${"0".repeat(40)} ${next} refs/tags/${btoa("bbcanary-0123456789abcdef")}\n` },
      /\(ref name\) canary/,
    ],
    [{
      env: {
        GIT_PUSH_OPTION_COUNT: "2",
        GIT_PUSH_OPTION_0: "ci.skip",
        GIT_PUSH_OPTION_1: `ci.variable=K=${AWS}`,
      },
    }, /^ {2}\(push option 2\) aws_access_key_id /],
    [
      { stdin: `${"0".repeat(40)} ${next} refs/notes/${token}\n` },
      /^ {2}refs\/notes\/…: only branches and tags are forwarded$/,
    ],
    [
      { stdin: `${"0".repeat(40)} ${next} refs/replace/${old}\n` },
      /^ {2}refs\/replace\/…: only branches and tags/,
    ],
  ];
  for (const [options, line] of cases) {
    b.said.length = 0;
    assert.equal(await b.run(options), 1, JSON.stringify(options));
    assert.equal(b.said[0], "git gate: push refused:");
    assert.ok(b.said.slice(1).some((l) => line.test(l)), `${b.said.join("\n")}`);
    assert.ok(!b.said.join("\n").includes(token.slice(4)), "the token was echoed");
    assert.ok(!b.said.join("\n").includes(AWS), "the key was echoed");
  }
  const events = await b.report();
  assert.ok(events.every((e) => e.event === "push_refused" && e.reason === "refs"));
  assert.ok(
    !JSON.stringify(events).includes(AWS) && !JSON.stringify(events).includes(token.slice(4)),
  );
});
