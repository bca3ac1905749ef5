/**
 * The SSH git upstream on its own, without a gate: a pinned client clones and pushes, a wrong pin
 * and an unknown key are refused, stop() makes it unreachable and start() brings it back with the
 * same host key, repos and address, and disposal removes everything.
 */
import assert from "node:assert/strict";
import { docker, startSshUpstream, startWorld, TEST_LABEL } from "./mod.ts";

Deno.test("startSshUpstream() serves clone and push over SSH to the pinned key only", async () => {
  await using world = await startWorld("ssh-upstream");
  const upstream = await startSshUpstream(world);
  assert.equal(upstream.host, "git.example.test");
  assert.equal(upstream.url("app"), "ssh://git@git.example.test/srv/git/app.git");
  assert.match(upstream.hostKey, /^ssh-ed25519 AAAA[A-Za-z0-9+/]+={0,2}$/);
  assert.match(upstream.otherHostKey, /^ssh-ed25519 AAAA[A-Za-z0-9+/]+={0,2}$/);
  assert.notEqual(upstream.otherHostKey, upstream.hostKey);
  assert.equal((await Deno.stat(upstream.clientKeyPath)).mode! & 0o777, 0o600);
  assert.match(await Deno.readTextFile(upstream.clientKeyPath), /BEGIN OPENSSH PRIVATE KEY/);

  await upstream.createRepo("app", { seed: true });
  const seeded = await upstream.refs("app");
  assert.deepEqual(Object.keys(seeded), ["refs/heads/main"]);
  const head = await upstream.git("app", ["symbolic-ref", "HEAD"]);
  assert.equal(head.stdout.trim(), "refs/heads/main");

  const push = await upstream.directClient([
    "bash",
    "-c",
    PUSH_SCRIPT,
    "bash",
    upstream.url("app"),
  ]);
  assert.equal(push.code, 0, push.stderr);
  const pushed = push.stdout.trim();
  assert.match(pushed, /^[0-9a-f]{40}$/);
  assert.notEqual(pushed, seeded["refs/heads/main"]);
  assert.deepEqual(await upstream.refs("app"), { "refs/heads/main": pushed });
  const log = await upstream.git("app", ["log", "--format=%s", "main"]);
  assert.deepEqual(log.stdout.trim().split("\n"), ["pushed directly", "Initial commit"]);

  const wrongPin = await upstream.directClient(["git", "ls-remote", upstream.url("app")], {
    hostKey: upstream.otherHostKey,
  });
  assert.notEqual(wrongPin.code, 0);
  assert.match(wrongPin.stderr, /Host key verification failed/);
  const stranger = await upstream.directClient(["bash", "-c", STRANGER_SCRIPT]);
  assert.notEqual(stranger.code, 0);
  assert.match(stranger.stderr, /Permission denied \(publickey\)/);

  await upstream.stop();
  const down = await upstream.directClient(["git", "clone", "-q", upstream.url("app"), "/tmp/d"]);
  assert.notEqual(down.code, 0);
  assert.match(down.stderr, /Connection refused/);
  await upstream.start();
  const again = await upstream.directClient(["git", "clone", "-q", upstream.url("app"), "/tmp/a"]);
  assert.equal(again.code, 0, again.stderr);
  const cloned = await upstream.directClient(["git", "rev-parse", "HEAD"], { cwd: "/tmp/a" });
  assert.equal(cloned.stdout.trim(), pushed);

  await assert.rejects(() => upstream.createRepo("../escape"), /name must match/);
  await upstream[Symbol.asyncDispose]();
  await upstream[Symbol.asyncDispose]();
  const left = await docker([
    "ps",
    "-aq",
    "--filter",
    `label=${TEST_LABEL}`,
    "--filter",
    `name=${upstream.container}`,
  ]);
  assert.equal(left.stdout.trim(), "");
  await assert.rejects(() => Deno.stat(upstream.clientKeyPath), Deno.errors.NotFound);
});

// Clone, commit, push; prints the pushed commit.
const PUSH_SCRIPT = `set -e
git clone -q "$1" /tmp/w
cd /tmp/w
test "$(cat README.md)" = "# app"
echo change >>README.md
git commit -qam "pushed directly"
git push -q origin main
git rev-parse HEAD`;

// A fresh key the server has never seen, with the real host key pinned.
const STRANGER_SCRIPT = `set -e
ssh-keygen -q -t ed25519 -N "" -f /tmp/stranger
ssh -F /dev/null -o BatchMode=yes -o IdentitiesOnly=yes -i /tmp/stranger \\
  -o UserKnownHostsFile=/root/.ssh/known_hosts git@git.example.test true`;
