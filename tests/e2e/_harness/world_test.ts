/**
 * The harness on its own, without bottles: the test internet answers a plain container (so the
 * security suite's "blocked" rows prove their probes could have succeeded), the CLI runs from
 * source in the world's environment, and disposal removes everything and fails on leftovers.
 */
import assert from "node:assert/strict";
import {
  docker,
  dockerOk,
  MODEL_API_HOSTS,
  OUTSIDE_TCP_BODY,
  OUTSIDE_TCP_PORT,
  runCli,
  startWorld,
  TEST_AGENT,
  TEST_LABEL,
  UPSTREAM_HOSTS,
  UPSTREAM_PAGE_MARKER,
  writeTestAgent,
} from "./mod.ts";

Deno.test("startWorld() serves the upstream, outside host and resolver to a plain container", async () => {
  await using world = await startWorld("harness");
  // The web hosts serve their page; the fake model APIs answer what they do not serve as an API
  // would, with a JSON 404.
  const expected: [string, RegExp][] = [
    ...UPSTREAM_HOSTS.map((host): [string, RegExp] => [
      host,
      new RegExp(`${UPSTREAM_PAGE_MARKER} host=${host}`),
    ]),
    ...MODEL_API_HOSTS.map((host): [string, RegExp] => [host, /"not_found_error"/]),
  ];
  for (const [host, answer] of expected) {
    const page = await world.controlRun([
      "curl",
      "-sS",
      "--cacert",
      "/srv/ca.pem",
      `https://${host}/`,
    ]);
    assert.equal(page.code, 0, `https://${host}/ from the control container: ${page.stderr}`);
    assert.match(page.stdout, answer);
  }
  const echo = await world.controlRun([
    "curl",
    "-sS",
    "--cacert",
    "/srv/ca.pem",
    "-H",
    "Authorization: Bearer from-control",
    "https://api.example.test/headers",
  ]);
  assert.equal(JSON.parse(echo.stdout).headers.authorization, "Bearer from-control");
  const inject = await world.controlRun([
    "curl",
    "-sS",
    "--cacert",
    "/srv/ca.pem",
    "https://example.com/inject",
  ]);
  assert.match(inject.stdout, /Ignore all previous instructions/);
  assert.match(inject.stdout, /system prompt/);

  const tcp = await world.controlRun([
    "curl",
    "-sS",
    "-m",
    "5",
    `http://${world.outsideIp}:${OUTSIDE_TCP_PORT}/`,
  ]);
  assert.equal(tcp.stdout.trim(), OUTSIDE_TCP_BODY, `outside host TCP: ${tcp.stderr}`);
  const dns = await world.controlRun([
    "dig",
    `@${world.outsideIp}`,
    "+short",
    "+time=2",
    "+tries=1",
    world.outsideName,
  ]);
  assert.equal(dns.stdout.trim(), world.outsideIp, `fake resolver: ${dns.stdout}${dns.stderr}`);
  const controlIp = await dockerOk([
    "inspect",
    "--format",
    `{{ (index .NetworkSettings.Networks "${world.network}").IPAddress }}`,
    world.control,
  ]);
  assert.equal(world.controlIp, controlIp);
  const events = await world.outsideEvents();
  assert.ok(events.some((e) => e.event === "tcp" && e.from === controlIp), JSON.stringify(events));
  assert.ok(
    events.some((e) => e.event === "dns" && e.name === world.outsideName && e.from === controlIp),
    JSON.stringify(events),
  );
  assert.ok(
    (await world.upstreamRequests()).some((r) =>
      r.path === "/headers" && r.headers.authorization === "Bearer from-control"
    ),
  );
});

Deno.test("startWorld() upstream accepts git clone and push over HTTPS", async () => {
  await using world = await startWorld("harness-git");
  const script = [
    "set -e",
    "git -c http.sslCAInfo=/srv/ca.pem clone -q https://api.example.test/repo.git /tmp/r",
    "cd /tmp/r",
    "git -c user.name=c -c user.email=c@example.test commit -q --allow-empty -m pushed",
    "git -c http.sslCAInfo=/srv/ca.pem push -q origin HEAD:refs/heads/from-control",
    "git -c http.sslCAInfo=/srv/ca.pem ls-remote origin refs/heads/from-control",
  ].join("\n");
  const push = await world.controlRun(["bash", "-c", script]);
  assert.equal(push.code, 0, push.stderr);
  assert.match(push.stdout, /refs\/heads\/from-control/);
  const paths = (await world.upstreamRequests()).map((r) => r.path);
  assert.ok(paths.some((p) => p.includes("git-receive-pack")), paths.join("\n"));
});

Deno.test("startWorld() runs the CLI from source in the world's home", async () => {
  await using world = await startWorld("harness-cli");
  await writeTestAgent(world);
  const list = await runCli(world, ["list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  const agents = JSON.parse(list.stdout) as { name: string }[];
  assert.deepEqual(agents.map((a) => a.name), [TEST_AGENT]);
  const info = await runCli(world, ["info", TEST_AGENT]);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /api\.example\.test/);
  assert.doesNotMatch(info.stdout + info.stderr, new RegExp(world.realToken));
});

Deno.test("World disposal removes everything and fails on what a bottle left behind", async () => {
  const world = await startWorld("harness-dispose");
  const label = `bot-bottle-test.world=${world.id}`;
  const slug = `leak-${world.id}`;
  await dockerOk([
    "run",
    "--detach",
    "--label",
    TEST_LABEL,
    "--label",
    `bot-bottle.slug=${slug}`,
    "--name",
    `bot-bottle-${slug}`,
    "bot-bottle-test/debian:bookworm",
    "sleep",
    "infinity",
  ]);
  world.track(slug);
  await assert.rejects(
    () => world[Symbol.asyncDispose](),
    (err: Error) => err.message.includes(`bottle ${slug} left containers [bot-bottle-${slug}]`),
  );
  const leftover = await docker(["ps", "-aq", "--filter", `label=bot-bottle.slug=${slug}`]);
  assert.equal(leftover.stdout.trim(), "");
  const mine = await docker(["ps", "-aq", "--filter", `label=${label}`]);
  assert.equal(mine.stdout.trim(), "");
  const networks = await docker(["network", "ls", "-q", "--filter", `label=${label}`]);
  assert.equal(networks.stdout.trim(), "");
  await assert.rejects(() => Deno.stat(world.dir), Deno.errors.NotFound);
});
