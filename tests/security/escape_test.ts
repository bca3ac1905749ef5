/**
 * The escape suite (SPEC §1.3, §10): from inside a real Docker bottle, try every way out and see
 * every attempt fail. Each "blocked" step first proves its probe could succeed (the same target
 * answers a plain container on the test internet, or the host itself), and shows the error the
 * agent saw in its assertion message. The first step shows the bottle's one sanctioned way out
 * works, so a probe that fails does so because of the isolation, not a dead bottle.
 *
 * Never sends a packet to the metadata address directly: that probe goes through egress only.
 */
import assert from "node:assert/strict";
import {
  agentBash,
  agentCurl,
  agentParallel,
  blockBody,
  bottleLeftovers,
  CLEAN,
  containerIp,
  containerIps,
  containerNetworks,
  CURL_STATUS_FORMAT,
  networkGateways,
  OUTSIDE_TCP_PORT,
  parseCurl,
  runCli,
  showCurl,
  startDetached,
  startWorld,
  UPSTREAM_PAGE_MARKER,
  writeTestAgent,
} from "../e2e/_harness/mod.ts";
import {
  answer,
  digArgs,
  directHttpProbes,
  dnsNames,
  dnsQueryHex,
  escapeRe,
  hostAddresses,
  hostCurl,
  lastLine,
  openHostService,
  RAW_TCP_CONNECT,
  RAW_UDP_QUERY,
  RESOLVE,
  tcpFromOthers,
} from "./_probes.ts";

Deno.test("a bottle's agent cannot get out of it (SPEC §1.3)", async (t) => {
  await using world = await startWorld("escape");
  const slug = await startDetached(world, await writeTestAgent(world));
  const agent = `bot-bottle-${slug}`;

  await t.step("positive: through its proxy the agent reaches an allowed host", async () => {
    const out = await agentCurl(world, slug, ["https://api.example.test/"]);
    assert.equal(out.status, 200, showCurl(out));
    assert.match(out.body, new RegExp(`${UPSTREAM_PAGE_MARKER} host=api.example.test`));
  });

  await t.step("raw TCP to an outside host's IP, bypassing the proxy, fails", async () => {
    const port = String(OUTSIDE_TCP_PORT);
    const probes: [string, string[]][] = [
      ["curl --noproxy '*'", [
        "curl",
        "--noproxy",
        "*",
        "-sS",
        "-m",
        "4",
        `http://${world.outsideIp}:${port}/`,
      ]],
      ["python socket", ["python3", "-c", RAW_TCP_CONNECT, world.outsideIp, port]],
      ["nc -z", ["nc", "-z", "-w", "4", world.outsideIp, port]],
    ];
    for (const [tool, argv] of probes) {
      const control = await world.controlRun(argv);
      assert.equal(control.code, 0, `control ${tool}: ${control.stderr}`);
    }
    const before = tcpFromOthers(await world.outsideEvents(), world);
    const outcomes = await agentParallel(world, slug, probes.map(([, argv]) => ({ argv })));
    probes.forEach(([tool], i) => {
      const outcome = outcomes[i]!;
      assert.notEqual(outcome.exit, 0, `${tool} reached the outside host: ${outcome.stdout}`);
    });
    assert.equal(
      tcpFromOthers(await world.outsideEvents(), world),
      before,
      `the outside host logged a connection not from the control container (${
        outcomes.map((o) => lastLine(o.stderr)).join("; ")
      })`,
    );
  });

  await t.step("UDP DNS straight to an outside resolver gets no answer", async () => {
    const udp = (
      name: string,
    ) => ["python3", "-c", RAW_UDP_QUERY, world.outsideIp, dnsQueryHex(name)];
    const controlDig = await world.controlRun(digArgs(world.outsideIp, `control-${world.id}.test`));
    assert.equal(controlDig.stdout.trim(), world.outsideIp, `control dig: ${controlDig.stderr}`);
    const controlUdp = await world.controlRun(udp(`control-udp-${world.id}.test`));
    assert.equal(controlUdp.code, 0, `control raw UDP: ${controlUdp.stderr}`);
    const digName = `agent-direct-${world.id}.e2e.test`;
    const udpName = `agent-udp-${world.id}.e2e.test`;
    const [dig, raw] = await agentParallel(world, slug, [
      { argv: digArgs(world.outsideIp, digName) },
      { argv: udp(udpName) },
    ]);
    assert.doesNotMatch(dig!.stdout, answer(world.outsideIp), `dig: ${dig!.stdout}`);
    assert.notEqual(raw!.exit, 0, `a raw UDP query got an answer: ${raw!.stdout}`);
    const queried = dnsNames(await world.outsideEvents());
    assert.ok(
      !queried.includes(digName) && !queried.includes(udpName),
      `the fake resolver received the agent's query (dig said: ${lastLine(dig!.stdout)}; ` +
        `python said: ${lastLine(raw!.stderr)})`,
    );
  });

  await t.step("DNS through the agent's own resolver reaches no outside resolver", async () => {
    const [dig, resolvConf] = await agentParallel(world, slug, [
      { argv: ["dig", "+short", "+time=2", "+tries=1", world.outsideName] },
      { argv: ["cat", "/etc/resolv.conf"] },
    ]);
    assert.doesNotMatch(dig!.stdout, answer(world.outsideIp), dig!.stdout);
    assert.ok(
      !dnsNames(await world.outsideEvents()).includes(world.outsideName),
      `a query for ${world.outsideName} reached the fake resolver (resolv.conf: ${
        resolvConf!.stdout.replaceAll("\n", "; ")
      })`,
    );
  });

  await t.step("the agent's resolver refuses every name at once, forwarding none", async () => {
    // An answer, not a timeout: lookups in the bottle fail without waiting (the sidecar's egress
    // answers REFUSED), and the name still reaches no outside resolver.
    const name = `refused-${world.id}.e2e.test`;
    const [dig] = await agentParallel(world, slug, [
      { argv: ["dig", "+time=5", "+tries=1", name] },
    ]);
    assert.match(dig!.stdout, /status: REFUSED/, dig!.stdout);
    assert.doesNotMatch(dig!.stdout, answer(world.outsideIp), dig!.stdout);
    assert.ok(
      !dnsNames(await world.outsideEvents()).includes(name),
      `${name} reached the resolver`,
    );
  });

  await t.step("arbitrary names, allowed hosts included, do not resolve in the agent", async () => {
    // Control: the same tools resolve a name where a resolver knows it (the test internet's).
    for (
      const argv of [["getent", "ahosts", "api.example.test"], [
        "python3",
        "-c",
        RESOLVE,
        "api.example.test",
      ]]
    ) {
      const control = await world.controlRun(argv);
      assert.match(control.stdout, new RegExp(escapeRe(world.upstreamIp)), `control ${argv[0]}`);
    }
    const names = ["example.com", "api.example.test", "example.net", world.outsideName];
    const outcomes = await agentParallel(
      world,
      slug,
      names.flatMap((name) => [
        { argv: ["getent", "ahosts", name] },
        { argv: ["python3", "-c", RESOLVE, name] },
      ]),
    );
    outcomes.forEach((outcome, i) => {
      const name = names[Math.floor(i / 2)];
      const tool = i % 2 === 0 ? "getent" : "python";
      assert.notEqual(outcome.exit, 0, `${tool} resolved "${name}": ${outcome.stdout.trim()}`);
    });
    assert.ok(
      !dnsNames(await world.outsideEvents()).includes(world.outsideName),
      `a lookup of ${world.outsideName} reached the fake resolver`,
    );
  });

  await t.step("IPv6: no global address, no route, v6 literals unreachable", async () => {
    const addrs = await agentBash(world, slug, "ip -6 addr show scope global; ip -6 route show");
    assert.doesNotMatch(addrs.stdout, /scope global/, `global v6 address: ${addrs.stdout}`);
    assert.doesNotMatch(addrs.stdout, /^default/m, `v6 default route: ${addrs.stdout}`);
    // 2001:db8::/32 is the documentation prefix: routed nowhere, even if isolation failed.
    const [probe] = await directHttpProbes(world, slug, ["http://[2001:db8::1]/"]);
    assert.notEqual(probe!.exit, 0, `a v6 literal answered: ${probe!.detail}`);
    const viaProxy = await agentCurl(world, slug, ["https://[2001:db8::1]/"]);
    assert.equal(viaProxy.status, 403, showCurl(viaProxy));
    assert.ok(blockBody(viaProxy.body) !== undefined, viaProxy.body);
  });

  await t.step(
    "the cloud metadata address through egress is refused before connecting",
    async () => {
      for (const url of ["https://169.254.169.254/latest/meta-data/", "http://169.254.169.254/"]) {
        const out = await agentCurl(world, slug, [url]);
        assert.equal(out.status, 403, `${url}: ${showCurl(out)}`);
        assert.equal(blockBody(out.body)?.rule, "no_route", `${url}: ${out.body}`);
      }
    },
  );

  await t.step("the host's own addresses do not answer the agent", async () => {
    await using service = openHostService();
    const url = (address: string) => `http://${address}:${service.port}/`;
    // Control: every address the host owns answers the host itself.
    const owned = [];
    for (const address of new Set([world.gateway, ...hostAddresses()])) {
      if ((await hostCurl(url(address))).trim() === "host-service-ok") owned.push(address);
    }
    assert.ok(owned.includes(world.gateway) && owned.length >= 2, `host answers on: ${owned}`);
    // The gateways the engine declares for the agent's networks (the host may own none of them).
    const declared = [];
    for (const network of await containerNetworks(agent)) {
      declared.push(...await networkGateways(network));
    }
    const fromHost = service.hits.length;
    const probes = await directHttpProbes(
      world,
      slug,
      [...new Set([...owned, ...declared])].map(url),
    );
    for (const probe of probes) {
      assert.notEqual(probe.exit, 0, `the agent reached the host at ${probe.url}: ${probe.detail}`);
    }
    assert.deepEqual(service.hits.slice(fromHost), [], "the host service saw the agent");
    const viaProxy = await agentCurl(world, slug, [url(world.gateway)]);
    assert.equal(viaProxy.status, 403, showCurl(viaProxy));
  });

  await t.step("the engine's socket is not in the bottle", async () => {
    const sockets = await agentBash(
      world,
      slug,
      // `test -e`, not `ls`: Debian's runsc refuses coreutils 9's statx flags (EINVAL).
      "for p in /var/run/docker.sock /run/docker.sock /run/podman/podman.sock; do " +
        "test -e $p && echo present $p || echo absent $p; done; " +
        "find / \\( -path /proc -o -path /sys \\) -prune -o -type s -print 2>/dev/null",
    );
    assert.match(
      sockets.stdout,
      /^absent \/var\/run\/docker\.sock\nabsent \/run\/docker\.sock\nabsent \/run\/podman\/podman\.sock$/m,
      sockets.stdout,
    );
    assert.doesNotMatch(
      sockets.stdout,
      /^\/.*(docker|containerd|podman)\.sock$/m,
      sockets.stdout,
    );
  });

  await t.step("another bottle's agent and sidecar are unreachable", async () => {
    const other = await startDetached(world, "demo");
    const otherAgentIp = await containerIp(`bot-bottle-${other}`, `bot-bottle-net-${other}`);
    const otherSidecarIps = await containerIps(`bot-bottle-sidecars-${other}`);
    const listen = await agentBash(
      world,
      other,
      "setsid nohup python3 -m http.server 8000 --bind 0.0.0.0 >/dev/null 2>&1 & sleep 1",
    );
    assert.equal(listen.code, 0, listen.stderr);
    const targets = [
      `http://${otherAgentIp}:8000/`,
      ...otherSidecarIps.map((ip) => `http://${ip}:9099/`),
    ];
    // Control: inside the other bottle its own agent port and its sidecar answer.
    const inside = await directHttpProbes(world, other, [
      `http://${otherAgentIp}:8000/`,
      `http://${await containerIp(
        `bot-bottle-sidecars-${other}`,
        `bot-bottle-net-${other}`,
      )}:9099/`,
    ]);
    for (const probe of inside) {
      assert.equal(probe.exit, 0, `control ${probe.url}: ${probe.detail}`);
    }
    for (const probe of await directHttpProbes(world, slug, targets)) {
      assert.notEqual(probe.exit, 0, `bottle A reached bottle B at ${probe.url}: ${probe.detail}`);
    }
    const viaProxy = await agentCurl(world, slug, [`http://${otherAgentIp}:8000/`]);
    assert.equal(viaProxy.status, 403, showCurl(viaProxy));
    const stop = await runCli(world, ["stop", other]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(await bottleLeftovers(world.home, other), CLEAN);
  });

  await t.step("an allowed host's name fronting another host is refused", async () => {
    const cases: [string, string[]][] = [
      ["Host header", ["-H", "Host: example.net", "https://api.example.test/fronting-host"]],
      ["CONNECT elsewhere, SNI allowed", [
        "--connect-to",
        "api.example.test:443:example.net:443",
        "https://api.example.test/fronting-connect",
      ]],
      ["CONNECT allowed, SNI elsewhere", [
        "--connect-to",
        "example.net:443:api.example.test:443",
        "https://example.net/fronting-sni",
      ]],
    ];
    for (const [name, args] of cases) {
      const out = await agentCurl(world, slug, args);
      assert.equal(out.status, 403, `${name}: ${showCurl(out)}`);
      assert.ok(blockBody(out.body) !== undefined, `${name}: not a block body: ${out.body}`);
    }
    const [direct] = await directHttpProbes(world, slug, [`http://${world.upstreamIp}:443/`]);
    assert.notEqual(direct!.exit, 0, `the upstream's IP answered directly: ${direct!.detail}`);
    const resolved = await agentCurl(world, slug, [
      "--noproxy",
      "*",
      "--resolve",
      `api.example.test:443:${world.upstreamIp}`,
      "https://api.example.test/fronting-resolve",
    ]);
    assert.ok(
      resolved.exit !== 0 && resolved.status === 0,
      `--resolve reached the upstream: ${showCurl(resolved)}`,
    );
    const fronted = (await world.upstreamRequests()).filter((r) => r.path.startsWith("/fronting"));
    assert.deepEqual(fronted, [], "a fronting request reached the upstream");
  });

  await t.step("NO_PROXY='*' or unset proxy variables cannot skip the proxy", async () => {
    const curl = ["curl", "-sS", "-m", "5", "-w", CURL_STATUS_FORMAT];
    const proxyVars = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"];
    const outcomes = await agentParallel(world, slug, [
      {
        argv: [...curl, "https://api.example.test/no-proxy"],
        env: { NO_PROXY: "*", no_proxy: "*" },
      },
      { argv: [...curl, "https://api.example.test/no-proxy"], unset: proxyVars },
    ]);
    for (const [i, name] of ["NO_PROXY=*", "proxy variables unset"].entries()) {
      const out = parseCurl({ code: outcomes[i]!.exit, ...outcomes[i]! });
      assert.notEqual(out.exit, 0, `${name}: ${showCurl(out)}`);
      assert.equal(out.status, 0, `${name}: ${showCurl(out)}`);
    }
    const reached = (await world.upstreamRequests()).filter((r) => r.path === "/no-proxy");
    assert.deepEqual(reached, [], "a request without the proxy reached the upstream");
  });

  const stop = await runCli(world, ["stop", slug]);
  assert.equal(stop.code, 0, `stop: ${stop.stderr}`);
  assert.deepEqual(await bottleLeftovers(world.home, slug), CLEAN);
});
