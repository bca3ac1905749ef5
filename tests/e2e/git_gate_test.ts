/**
 * The git gate end to end (SPEC §6.2, issue 6) against a real SSH upstream: the agent clones,
 * fetches and pushes with plain git and its manifest's `ssh://` URL; the gate refreshes from the
 * upstream, scans what a push adds, forwards clean pushes with a key the agent never holds, and
 * refuses secrets, a wrong host key and an unreachable upstream. `gitleaks:allow` lines wait for
 * the operator.
 */
import assert from "node:assert/strict";
import {
  agentBash,
  docker,
  runCli,
  type RunResult,
  type SshUpstream,
  startDetached,
  startSshUpstream,
  startWorld,
  type World,
  writeAgent,
  writeBottle,
} from "./_harness/mod.ts";

const AGENT = "committer";
/**
 * The operator's window for a gitleaks:allow push: the test answers with CLI runs from source
 * (list, show, approve), each seconds long on a busy machine; the timeout step waits all of it.
 */
const ALLOW_TIMEOUT_SECONDS = 30;
const AWS_KEY = `AKIA${"Q3ZT7WX2K5MN4PLR"}`;
const GITHUB_TOKEN = `ghp_${"a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"}`;
const PRIVATE_KEY = [
  "-----BEGIN OPENSSH PRIVATE KEY-----",
  "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
  "QyNTUxOQAAACB0ZXN0LWtleS1ub3QtcmVhbC0wMTIzNDU2Nzg5YWJjZGVmAAAAkAAAAAAA",
  "-----END OPENSSH PRIVATE KEY-----",
].join("\n");

const show = (r: RunResult) => `exit ${r.code}\n${r.stdout}\n${r.stderr}`;

/** Run a script in the clone of `app` inside the bottle. */
function inClone(world: World, slug: string, script: string, args: readonly string[] = []) {
  return agentBash(world, slug, `set -e; cd ~/app; ${script}`, { args });
}

async function sidecarLog(slug: string): Promise<string> {
  const logs = await docker(["logs", `bot-bottle-sidecars-${slug}`]);
  return logs.stdout + logs.stderr;
}

async function pending(world: World): Promise<{ id: string; tool: string }[]> {
  const listed = await runCli(world, ["supervise", "list", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout);
}

async function waitForProposal(world: World): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const found = (await pending(world)).filter((p) => p.tool === "gitleaks-allow");
    if (found.length > 0) return found[0]!.id;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("no gitleaks-allow proposal reached the operator");
}

/** Commit a file with a secret marked gitleaks:allow and start pushing it (it will wait). */
function pushAllowed(world: World, slug: string, file: string): Promise<RunResult> {
  return inClone(
    world,
    slug,
    'printf \'aws_key = "%s" # gitleaks:allow\\n\' "$2" > "$1"; git add "$1"; ' +
      'git commit -qm "fixture $1"; git push origin HEAD:main 2>&1',
    [file, AWS_KEY],
  );
}

async function upstreamMain(up: SshUpstream): Promise<string | undefined> {
  return (await up.refs("app"))["refs/heads/main"];
}

Deno.test("git gate: clone, fetch and push through the gate; secrets and bad upstreams refused", async (t) => {
  await using world = await startWorld("gitgate");
  await using up = await startSshUpstream(world);
  await up.createRepo("app", { seed: true });
  await up.createRepo("pinned", { seed: true });
  const key = { provider: "static", path: up.clientKeyPath };
  await writeBottle(world, AGENT, {
    agent_provider: { template: "shell" },
    supervise: false,
    egress: { routes: [{ host: "example.com" }] },
    "git-gate": {
      user: { name: "Gate Tester", email: "gate@example.test" },
      repos: {
        app: { url: up.url("app"), host_key: up.hostKey, key: { ...key } },
        pinned: { url: up.url("pinned"), host_key: up.otherHostKey, key: { ...key } },
      },
    },
  });
  await writeAgent(world, AGENT, { bottle: AGENT });
  const slug = await startDetached(world, AGENT, {
    SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: String(ALLOW_TIMEOUT_SECONDS),
  });

  await t.step(
    "the agent clones with the upstream URL and commits as the manifest's identity",
    async () => {
      const clone = await agentBash(
        world,
        slug,
        'set -e; git clone -q "$1" ~/app; cd ~/app; git log --format=%s; git config user.name; ' +
          "git config user.email; git config remote.origin.url",
        { args: [up.url("app")] },
      );
      assert.equal(clone.code, 0, show(clone));
      assert.deepEqual(clone.stdout.trim().split("\n"), [
        "Initial commit",
        "Gate Tester",
        "gate@example.test",
        up.url("app"),
      ]);
      const keys = await agentBash(
        world,
        slug,
        "grep -rl 'PRIVATE KEY' /etc /home /tmp /opt /srv /run 2>/dev/null; true",
      );
      assert.equal(keys.stdout.trim(), "", "a private key is visible inside the agent");
    },
  );

  await t.step("a clean push reaches the upstream", async () => {
    const pushed = await inClone(
      world,
      slug,
      "echo hello > hello.txt; git add hello.txt; git commit -qm clean; git push -q origin HEAD:main; git rev-parse HEAD",
    );
    assert.equal(pushed.code, 0, show(pushed));
    assert.equal(await upstreamMain(up), pushed.stdout.trim());
  });

  await t.step("a fetch sees what reached the upstream by another way", async () => {
    const direct = await up.directClient([
      "sh",
      "-c",
      'set -e; git clone -q "$1" /tmp/d; cd /tmp/d; echo direct > direct.txt; git add direct.txt; ' +
      "git commit -qm 'direct commit'; git push -q origin main",
      "sh",
      up.url("app"),
    ]);
    assert.equal(direct.code, 0, show(direct));
    const pulled = await inClone(
      world,
      slug,
      "git pull -q --no-rebase origin main; git log -1 --format=%s",
    );
    assert.equal(pulled.code, 0, show(pulled));
    assert.equal(pulled.stdout.trim(), "direct commit");
  });

  await t.step(
    "pushes adding an AWS key, a GitHub token or a private key are refused",
    async () => {
      const before = await upstreamMain(up);
      const cases: [string, string, RegExp][] = [
        ["aws.env", `AWS_ACCESS_KEY_ID=${AWS_KEY}`, /aws/],
        ["gh.txt", `token: ${GITHUB_TOKEN}`, /github/],
        ["deploy_key", PRIVATE_KEY, /private_key/],
      ];
      for (const [file, content, rule] of cases) {
        const pushed = await inClone(
          world,
          slug,
          'printf "%s\\n" "$2" > "$1"; git add "$1"; git commit -qm "add $1"; ' +
            "code=0; git push origin HEAD:main 2>&1 || code=$?; git reset -q --hard HEAD~1; exit $code",
          [file, content],
        );
        assert.notEqual(pushed.code, 0, show(pushed));
        const out = pushed.stdout + pushed.stderr;
        assert.match(out, /push refused: 1 secret\(s\) in the new commits/, out);
        assert.match(out, new RegExp(`${file}:1 `), out);
        assert.match(out, rule, out);
        assert.ok(!out.includes(content.split("\n")[1] ?? content), "the secret was echoed back");
        assert.equal(await upstreamMain(up), before, `${file} reached the upstream`);
      }
      assert.match(await sidecarLog(slug), /"event":"push_refused","reason":"secrets"/);
    },
  );

  await t.step(
    "the canary's random part alone, reversed, or split across two files is refused",
    async () => {
      const before = await upstreamMain(up);
      const cases: [string, string][] = [
        ["alone", 'printf "build %s\\n" "$r" > id.txt'],
        ["reversed", 'printf "%s\\n" "$r" | rev > id.txt'],
        ["split", 'printf "x %s\\n" "${r:0:16}" > a.txt; printf "%s y\\n" "${r:16}" > id.txt'],
      ];
      for (const [what, write] of cases) {
        const pushed = await inClone(
          world,
          slug,
          `r=\${BOT_BOTTLE_CANARY#bbcanary-}; ${write}; git add -A; git commit -qm ${what}; ` +
            "code=0; git push origin HEAD:main 2>&1 || code=$?; git reset -q --hard HEAD~1; exit $code",
        );
        assert.notEqual(pushed.code, 0, `${what}: ${show(pushed)}`);
        const out = pushed.stdout + pushed.stderr;
        assert.match(out, /push refused: 1 secret\(s\) in the new commits/, `${what}: ${out}`);
        assert.match(out, /id\.txt:1 canary/, `${what}: ${out}`);
        assert.equal(await upstreamMain(up), before, `${what} reached the upstream`);
      }
    },
  );

  await t.step(
    "a new branch with an old finding in its history but clean new commits is accepted",
    async () => {
      const direct = await up.directClient([
        "sh",
        "-c",
        'set -e; cd /tmp/d; git checkout -q -b fixtures; printf "%s\\n" "$2" > old.env; git add old.env; ' +
        'git commit -qm "old fixture"; git push -q origin fixtures',
        "sh",
        up.url("app"),
        `AWS_ACCESS_KEY_ID=${AWS_KEY}`,
      ]);
      assert.equal(direct.code, 0, show(direct));
      const pushed = await inClone(
        world,
        slug,
        "git fetch -q origin; git checkout -q -b feature origin/fixtures; echo ok > clean.txt; " +
          "git add clean.txt; git commit -qm clean; git push -q origin feature; git rev-parse HEAD",
      );
      assert.equal(pushed.code, 0, show(pushed));
      assert.equal((await up.refs("app"))["refs/heads/feature"], pushed.stdout.trim());
    },
  );

  await t.step(
    "ref names and push options are scanned; clean push options pass through",
    async () => {
      const before = await up.refs("app");
      const named = await inClone(world, slug, 'git push origin "HEAD:refs/heads/$1" 2>&1', [
        GITHUB_TOKEN,
      ]);
      assert.notEqual(named.code, 0, show(named));
      assert.match(named.stdout, /\(ref name\) github_pat/);
      const option = await inClone(
        world,
        slug,
        'git push -o "ci.variable=K=$1" origin HEAD:refs/heads/opt 2>&1',
        [
          AWS_KEY,
        ],
      );
      assert.notEqual(option.code, 0, show(option));
      assert.match(option.stdout, /\(push option 1\) aws_access_key_id/);
      // The client names its own ref; what the gate says (`remote:`) never repeats a secret.
      const gateSaid = (r: RunResult) =>
        r.stdout.split("\n").filter((l) => l.startsWith("remote:"));
      assert.ok(!gateSaid(option).join("\n").includes(AWS_KEY), show(option));
      assert.ok(!gateSaid(named).join("\n").includes(GITHUB_TOKEN), show(named));
      assert.deepEqual(await up.refs("app"), before);
      const config = await up.git("app", ["config", "receive.advertisePushOptions", "true"]);
      assert.equal(config.code, 0, show(config));
      const clean = await inClone(
        world,
        slug,
        "git push -q -o ci.skip origin HEAD:refs/heads/opt; git rev-parse HEAD",
      );
      assert.equal(clean.code, 0, show(clean));
      assert.equal((await up.refs("app"))["refs/heads/opt"], clean.stdout.trim());
    },
  );

  await t.step("a force push is forwarded", async () => {
    const pushed = await inClone(
      world,
      slug,
      "git checkout -q main; git commit -q --amend -m amended; git push -q --force origin main; git rev-parse HEAD",
    );
    assert.equal(pushed.code, 0, show(pushed));
    assert.equal(await upstreamMain(up), pushed.stdout.trim());
  });

  await t.step("a gitleaks:allow line waits for the operator and proceeds on approve", async () => {
    const pushing = pushAllowed(world, slug, "fixture1.env");
    const id = await waitForProposal(world);
    const shown = await runCli(world, ["supervise", "show", id]);
    assert.match(shown.stdout, /fixture1\.env:1/);
    assert.ok(!shown.stdout.includes(AWS_KEY), "the proposal shows the secret");
    const approved = await runCli(world, ["supervise", "approve", id, "--reason", "test fixture"]);
    assert.equal(approved.code, 0, show(approved));
    const pushed = await pushing;
    assert.equal(pushed.code, 0, show(pushed));
    const head = await inClone(world, slug, "git rev-parse HEAD");
    assert.equal(await upstreamMain(up), head.stdout.trim());
  });

  await t.step("a gitleaks:allow line is refused on reject and on timeout", async () => {
    const before = await upstreamMain(up);
    const rejecting = pushAllowed(world, slug, "fixture2.env");
    const id = await waitForProposal(world);
    const rejected = await runCli(world, ["supervise", "reject", id, "--reason", "real key"]);
    assert.equal(rejected.code, 0, show(rejected));
    const refused = await rejecting;
    assert.notEqual(refused.code, 0, show(refused));
    assert.match(refused.stdout, /the operator rejected it: real key/);
    assert.equal(await upstreamMain(up), before);

    const waited = Date.now();
    const timedOut = await inClone(world, slug, "git push origin HEAD:main 2>&1");
    assert.notEqual(timedOut.code, 0, show(timedOut));
    assert.match(
      timedOut.stdout,
      new RegExp(`no operator answer within ${ALLOW_TIMEOUT_SECONDS}s`),
    );
    assert.ok(Date.now() - waited >= ALLOW_TIMEOUT_SECONDS * 1000);
    assert.deepEqual(await pending(world), [], "the timed-out proposal was withdrawn");
    assert.equal(await upstreamMain(up), before);
    await inClone(world, slug, "git reset -q --hard HEAD~1");
  });

  await t.step("a repo pinned to the wrong host key is neither fetched nor pushed", async () => {
    const before = await up.refs("pinned");
    const clone = await agentBash(world, slug, 'git clone -q "$1" ~/pinned 2>&1', {
      args: [up.url("pinned")],
    });
    assert.notEqual(clone.code, 0, show(clone));
    const pushed = await inClone(world, slug, 'git push "$1" HEAD:refs/heads/stolen 2>&1', [
      up.url("pinned"),
    ]);
    assert.notEqual(pushed.code, 0, show(pushed));
    assert.deepEqual(await up.refs("pinned"), before);
    assert.match(await sidecarLog(slug), /Host key verification failed/);
  });

  await t.step("an unreachable upstream fails the fetch and the sidecar log says why", async () => {
    await up.stop();
    try {
      const fetched = await inClone(world, slug, "git fetch origin 2>&1");
      assert.notEqual(fetched.code, 0, show(fetched));
      assert.match(fetched.stdout, /502/);
      assert.match(
        await sidecarLog(slug),
        /"event":"upstream_unreachable","repo":"app".*Connection refused/,
      );
    } finally {
      await up.start();
    }
  });

  await t.step("a 50 MB push goes through", async () => {
    const pushed = await inClone(
      world,
      slug,
      "head -c 50000000 /dev/urandom > big.bin; git add big.bin; git commit -qm big; " +
        "git push -q origin HEAD:main; git rev-parse HEAD",
    );
    assert.equal(pushed.code, 0, show(pushed));
    assert.equal(await upstreamMain(up), pushed.stdout.trim());
  });

  const stopped = await runCli(world, ["stop", slug]);
  assert.equal(stopped.code, 0, show(stopped));
});
