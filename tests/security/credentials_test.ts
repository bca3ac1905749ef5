/**
 * The credential half of the security suite (SPEC §1.2, §6.1, §10): the agent uses a route's
 * token without ever holding it, cannot read it from any environment or argv it can see, cannot
 * push through egress, and sees DLP refusals as JSON 403s that name the rule. Each refusal is
 * checked against the upstream's log: the request never arrived.
 */
import assert from "node:assert/strict";
import {
  agentBash,
  agentCurl,
  blockBody,
  bottleLeftovers,
  CLEAN,
  CURL_STATUS_FORMAT,
  dockerOk,
  parseCurl,
  runCli,
  showCurl,
  startDetached,
  startWorld,
  TEST_VISIBLE_ENV,
  UPSTREAM_PAGE_MARKER,
  writeTestAgent,
} from "../e2e/_harness/mod.ts";
import { randomBase32, receivePacks } from "./_probes.ts";

Deno.test("a bottle's agent uses credentials it cannot read, and secrets cannot leave", async (t) => {
  await using world = await startWorld("credentials");
  const slug = await startDetached(world, await writeTestAgent(world));
  const agent = `bot-bottle-${slug}`;

  await t.step(
    "positive: an allowed host answers; the token egress injected is never echoed back",
    async () => {
      const out = await agentCurl(world, slug, [
        "-H",
        "Authorization: Bearer agent-held-placeholder",
        "https://api.example.test/headers",
      ]);
      assert.equal(out.status, 200, showCurl(out));
      // The origin echoes what it received; the proxy redacts the real token's secret part.
      const echoed = JSON.parse(out.body) as { headers: Record<string, string> };
      const secretPart = world.realToken.split("-").at(-1)!;
      assert.equal(
        echoed.headers.authorization,
        `Bearer ${world.realToken.slice(0, -secretPart.length)}${"*".repeat(secretPart.length)}`,
        out.body,
      );
      assert.ok(!out.body.includes(secretPart), out.body);
      const seen = (await world.upstreamRequests()).filter((r) => r.path === "/headers");
      assert.ok(seen.length > 0, "the upstream saw no /headers request");
      for (const request of seen) {
        assert.equal(request.headers.authorization, `Bearer ${world.realToken}`);
        assert.doesNotMatch(JSON.stringify(request), /agent-held-placeholder/);
      }
    },
  );

  await t.step("the real token is in no environment or argv the agent can read", async () => {
    const probe = await agentBash(
      world,
      slug,
      [
        "printenv",
        "echo '=== environ'",
        "n=0; for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null && n=$((n+1)); done",
        'echo "=== readable $n"',
        "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done",
        "echo '=== ps'",
        "ps -eo user,args",
      ].join("\n"),
    );
    assert.equal(probe.code, 0, probe.stderr);
    const [printenv = "", rest = ""] = probe.stdout.split("=== environ");
    assert.ok(!probe.stdout.includes(world.realToken), "the agent can read the real token");
    const [key, value] = Object.entries(TEST_VISIBLE_ENV)[0]!;
    assert.match(printenv, new RegExp(`^${key}=${value}$`, "m"), "the probe sees the env");
    assert.match(printenv, /^BOT_BOTTLE_CANARY=.+$/m);
    assert.match(printenv, /^HTTPS_PROXY=http:\/\/bot-bottle-sidecar:9099\/?$/m);
    assert.ok(Number(/=== readable (\d+)/.exec(rest)?.[1]) > 0, "no /proc/*/environ was read");
    const ps = rest.split("=== ps")[1] ?? "";
    assert.doesNotMatch(ps, /sidecar|egress|deno/, `sidecar processes are visible:\n${ps}`);
    const inspect = await dockerOk(["inspect", agent]);
    assert.ok(!inspect.includes(world.realToken), "the real token is in the agent's container");
  });

  await t.step("git push over HTTPS through egress is refused; fetch works", async () => {
    const control = await world.controlRun([
      "bash",
      "-c",
      [
        "set -e",
        "git -c http.sslCAInfo=/srv/ca.pem clone -q https://api.example.test/repo.git /tmp/c",
        "cd /tmp/c",
        "git -c user.name=c -c user.email=c@e.test commit -q --allow-empty -m control",
        "git -c http.sslCAInfo=/srv/ca.pem push -q origin HEAD:refs/heads/control",
      ].join("\n"),
    ]);
    assert.equal(control.code, 0, `control push: ${control.stderr}`);
    const pushesBefore = receivePacks(await world.upstreamRequests());
    const clone = await agentBash(
      world,
      slug,
      "cd /tmp && git clone -q https://api.example.test/repo.git r && cd r && " +
        "git -c user.name=a -c user.email=a@e.test commit -q --allow-empty -m agent",
    );
    assert.equal(clone.code, 0, `clone through egress: ${clone.stderr}`);
    const push = await agentBash(world, slug, "cd /tmp/r && git push origin HEAD:refs/heads/agent");
    assert.notEqual(push.code, 0, `git push through egress succeeded: ${push.stderr}`);
    assert.match(push.stderr, /403/, push.stderr);
    const refs = await agentCurl(world, slug, [
      "https://api.example.test/repo.git/info/refs?service=git-receive-pack",
    ]);
    assert.equal(refs.status, 403, showCurl(refs));
    assert.equal(blockBody(refs.body)?.rule, "git_push", refs.body);
    const pushesAfter = receivePacks(await world.upstreamRequests());
    assert.equal(pushesAfter, pushesBefore, `the upstream saw the agent's push: ${push.stderr}`);
  });

  await t.step("outbound DLP: a secret in a query string is refused, naming the rule", async () => {
    const canary = parseCurl(
      await agentBash(
        world,
        slug,
        'exec curl -sS -m 10 -w "$1" "https://api.example.test/leak-canary?c=$BOT_BOTTLE_CANARY"',
        { args: [CURL_STATUS_FORMAT] },
      ),
    );
    assert.equal(canary.status, 403, `canary: ${showCurl(canary)}`);
    assert.equal(blockBody(canary.body)?.rule, "dlp_canary", canary.body);
    const awsKey = `AKIA${randomBase32(16)}`;
    const aws = await agentCurl(world, slug, [`https://api.example.test/leak-aws?k=${awsKey}`]);
    assert.equal(aws.status, 403, `AWS key: ${showCurl(aws)}`);
    assert.equal(blockBody(aws.body)?.rule, "dlp_outbound", aws.body);
    const leaked = (await world.upstreamRequests()).filter((r) => r.path.startsWith("/leak-"));
    assert.deepEqual(leaked, [], "a secret reached the upstream");
  });

  await t.step("inbound DLP: a prompt injection in a response is refused", async () => {
    const page = await world.controlRun([
      "curl",
      "-sS",
      "--cacert",
      "/srv/ca.pem",
      "https://api.example.test/inject",
    ]);
    assert.match(page.stdout, /Ignore all previous instructions/, "control: the page injects");
    const out = await agentCurl(world, slug, ["https://api.example.test/inject"]);
    assert.equal(out.status, 403, showCurl(out));
    assert.equal(blockBody(out.body)?.rule, "dlp_inbound", out.body);
    assert.doesNotMatch(out.body, /Ignore all previous|system prompt/, out.body);
    assert.doesNotMatch(out.body, new RegExp(UPSTREAM_PAGE_MARKER));
  });

  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, `stop: ${stop.stderr}`);
  assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
});
