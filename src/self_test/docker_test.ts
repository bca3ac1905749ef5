/**
 * The self-test run for real in containers of the offline test image, the way the docker backend
 * runs it: `docker exec` as an unprivileged user with the proxy variables set. Every address the
 * probes reach is a test container or a documentation address on a network without a way out.
 */
import assert from "node:assert/strict";
import type { SelfTestTargets } from "../plan/mod.ts";
import {
  assertSelfTest,
  parseSelfTest,
  selfTestArgv,
  SelfTestError,
  type SelfTestReport,
  selfTestStdin,
} from "./mod.ts";
import { docker, DockerLab, testImageAvailable } from "./_testing.ts";

const ignore = !(await testImageAvailable());
const SIDECAR = "http://bot-bottle-sidecar:9099";
/** How the docker backend makes a bottle's internal network (backends/docker/_argv.ts). */
const INTERNAL = ["--internal", "--opt", "com.docker.network.bridge.inhibit_ipv4=true"];

/** Answers `GET http://_egress.local/allowlist` with 200 on 9099; everything with 403 on 9098. */
const FAKE_PROXY = `
import http.server, threading
def handler(port):
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            ok = port == 9099 and self.path == "http://_egress.local/allowlist"
            body = b'{"routes": []}' if ok else b'{"error": "egress_blocked"}'
            self.send_response(200 if ok else 403)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        def log_message(self, *args):
            pass
    return H
for port in (9098, 9099):
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), handler(port))
    threading.Thread(target=server.serve_forever).start()
`;

/** A fake sidecar on `net` whose proxy answers (see {@link FAKE_PROXY}); its address. */
async function fakeSidecar(lab: DockerLab, net: string, suffix: string): Promise<string> {
  const sidecar = await lab.container(suffix, ["--network", net], ["python3", "-c", FAKE_PROXY]);
  await lab.waitFor(sidecar, [
    "--proxy",
    "http://127.0.0.1:9099",
    "http://_egress.local/allowlist",
  ]);
  return await lab.ip(sidecar);
}

/** A web server on `net`, port 8080, answering: its container and address. */
async function webServer(
  lab: DockerLab,
  net: string,
  suffix: string,
): Promise<{ name: string; ip: string }> {
  const name = await lab.container(suffix, ["--network", net], [
    "python3",
    "-m",
    "http.server",
    "8080",
  ]);
  await lab.waitFor(name, ["http://127.0.0.1:8080/"]);
  return { name, ip: await lab.ip(name) };
}

/** An agent on `net` that finds the sidecar at `sidecarIp`, as the docker backend's does. */
function agentBeside(
  lab: DockerLab,
  net: string,
  sidecarIp: string,
  suffix: string,
  more: string[] = [],
) {
  const runArgs = ["--network", net, "--add-host", `bot-bottle-sidecar:${sidecarIp}`, ...more];
  return lab.container(suffix, runArgs, ["sleep", "infinity"]);
}

/** Run the self-test in `agent` as nobody, waiting up to `proxyWaitMs` for the proxy. */
async function selfTestDetails(
  agent: string,
  targets: SelfTestTargets,
  proxyWaitMs: number,
): Promise<Record<string, string>> {
  const run = await docker([
    "exec",
    "-u",
    "65534:65534",
    agent,
    ...selfTestArgv(targets, { proxyUrl: SIDECAR, proxyWaitMs }),
  ]);
  return details(parseSelfTest(run, targets));
}

async function runSelfTest(
  container: string,
  targets: SelfTestTargets,
  proxyUrl: string,
  home = "/nonexistent",
): Promise<{ report: SelfTestReport; ms: number }> {
  const env = ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]
    .flatMap((name) => ["-e", `${name}=${SIDECAR}`]).concat(["-e", `HOME=${home}`]);
  const started = performance.now();
  const run = await docker([
    "exec",
    "-u",
    "65534:65534",
    ...env,
    "-e",
    "NO_PROXY=localhost,127.0.0.1",
    container,
    ...selfTestArgv(targets, { proxyUrl }),
  ]);
  return { report: parseSelfTest(run, targets), ms: performance.now() - started };
}

function failureOf(report: SelfTestReport): Error {
  try {
    assertSelfTest(report);
  } catch (err) {
    if (err instanceof Error) return err;
  }
  throw new Error(`the self-test passed: ${JSON.stringify(report.probes)}`);
}

function details(report: SelfTestReport): Record<string, string> {
  return Object.fromEntries(
    report.probes.map((probe) => [probe.name, `${probe.ok ? "ok" : "FAIL"}: ${probe.detail}`]),
  );
}

Deno.test({
  name: "selfTestArgv() without any network: direct egress is blocked but the proxy is missing",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const agent = await lab.container(
      "agent",
      ["--network", "none", "--dns", "127.0.0.1", "--add-host", "bot-bottle-sidecar:127.0.0.1"],
      ["sleep", "infinity"],
    );
    const targets = { tcp: ["203.0.113.5:443", "[2001:db8::1]:443"], dns: ["example.com"] };
    const { report } = await runSelfTest(agent, targets, SIDECAR);
    assert.equal(report.ok, false);
    const { proxy, ...others } = details(report);
    assert.deepEqual(others, {
      tools: "ok: curl and getent found",
      "tcp 203.0.113.5:443": "ok: no route (network is unreachable)",
      "tcp [2001:db8::1]:443": "ok: no route (no source address)",
      "dns example.com": "ok: does not resolve",
    });
    assert.match(proxy ?? "", /^FAIL: http:\/\/bot-bottle-sidecar:9099 did not answer /);
    assert.ok(failureOf(report) instanceof SelfTestError);
    assert.match(
      failureOf(report).message,
      new RegExp(
        "^Isolation self-test failed, the agent was not started: proxy http://bot-bottle-sidecar:9099" +
          " did not answer GET http://_egress.local/allowlist: curl: \\(7\\) Failed to connect" +
          " to bot-bottle-sidecar port 9099 after \\d+ ms: Couldn't connect to server$",
      ),
    );
  },
});

Deno.test({
  name: "selfTestArgv() names every outside host the agent can reach or resolve directly",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("net", ["--internal"]);
    const { name: outside, ip } = await webServer(lab, net, "outside");
    const agent = await lab.container(
      "agent",
      ["--network", net, "--dns", ip, "--add-host", `bot-bottle-sidecar:${ip}`],
      ["sleep", "infinity"],
    );
    const targets = { tcp: [`${ip}:8080`, `${ip}:8081`], dns: [outside] };
    const { report } = await runSelfTest(agent, targets, "http://bot-bottle-sidecar:8080");
    assert.equal(report.ok, false);
    assert.deepEqual(details(report), {
      tools: "ok: curl and getent found",
      proxy: "FAIL: http://bot-bottle-sidecar:8080 answered GET http://_egress.local/allowlist" +
        " with HTTP 404 (expected 200)",
      [`tcp ${ip}:8080`]: "FAIL: connected directly (expected no route)",
      [`tcp ${ip}:8081`]: "FAIL: was refused directly, so a host answered (expected no route)",
      [`dns ${outside}`]: `FAIL: resolved to ${ip} (expected no answer)`,
    });
    const message = failureOf(report).message;
    assert.ok(
      message.includes(`; tcp ${ip}:8080 connected directly (expected no route); `),
      message,
    );
  },
});

Deno.test({
  name: "selfTestArgv() is not silenced by a ~/.curlrc the agent planted",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("net", ["--internal"]);
    const { ip } = await webServer(lab, net, "outside");
    const agent = await lab.container("agent", ["--network", net], ["sleep", "infinity"]);
    // A curlrc that hides curl's verbose text would make "refused" read as "no route".
    await docker([
      "exec",
      agent,
      "sh",
      "-c",
      "mkdir -p /tmp/h && echo 'stderr = /dev/null' >/tmp/h/.curlrc && chmod -R a+rX /tmp/h",
    ]);
    const targets = { tcp: [`${ip}:8081`], dns: [] };
    const { report } = await runSelfTest(agent, targets, SIDECAR, "/tmp/h");
    assert.equal(
      details(report)[`tcp ${ip}:8081`],
      "FAIL: was refused directly, so a host answered (expected no route)",
    );
  },
});

Deno.test({
  name: "selfTestArgv() passes in a bottle whose only peer is a working proxy, in a few seconds",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    // The docker backend's internal network and agent hardening (backends/docker/_argv.ts).
    const net = await lab.network("net", INTERNAL);
    const ip = await fakeSidecar(lab, net, "sidecar");
    const agent = await lab.container("agent", [
      "--network",
      net,
      "--dns",
      ip,
      "--add-host",
      `bot-bottle-sidecar:${ip}`,
      "--sysctl",
      "net.ipv6.conf.all.disable_ipv6=1",
      "--cap-drop",
      "ALL",
      "--security-opt",
      "no-new-privileges",
    ], ["sleep", "infinity"]);
    const targets = {
      tcp: ["203.0.113.5:443", "[2001:db8::1]:443", "198.51.100.7:53"],
      dns: ["example.com", "bot-bottle-selftest.invalid"],
    };
    const { report, ms } = await runSelfTest(agent, targets, SIDECAR);
    assert.equal(report.ok, true, JSON.stringify(details(report)));
    const found = details(report);
    // With no gateway, an IPv4 connect either times out or, when the kernel's neighbour lookup
    // gives up first (a loaded machine), fails with "no route to host": both are no route.
    // The connect timeout is measured on this bottle (the fake sidecar refuses port 9 at once):
    // twenty round trips, between 0.45 and 2 s.
    const noRoute =
      /^ok: (connect timed out twice after (\d\.\d{3}) s \(no route\)|no route \(no route to host\))$/;
    for (const target of ["tcp 203.0.113.5:443", "tcp 198.51.100.7:53"]) {
      const seconds = Number(noRoute.exec(found[target] ?? "")?.[2] ?? 1);
      assert.match(found[target] ?? "", noRoute, target);
      assert.ok(seconds >= 0.45 && seconds <= 2, found[target]);
    }
    assert.deepEqual(found, {
      tools: "ok: curl and getent found",
      proxy: "ok: http://bot-bottle-sidecar:9099 answered GET http://_egress.local/allowlist with" +
        " HTTP 200",
      "tcp 203.0.113.5:443": found["tcp 203.0.113.5:443"],
      "tcp [2001:db8::1]:443": "ok: no route (no source address)",
      "tcp 198.51.100.7:53": found["tcp 198.51.100.7:53"],
      "dns example.com": "ok: does not resolve",
      "dns bot-bottle-selftest.invalid": "ok: does not resolve",
    });
    assertSelfTest(report);
    assert.ok(ms < 8_000, `the self-test took ${Math.round(ms)} ms`);

    const denied = await runSelfTest(agent, targets, "http://bot-bottle-sidecar:9098");
    assert.equal(
      failureOf(denied.report).message,
      "Isolation self-test failed, the agent was not started: proxy http://bot-bottle-sidecar:9098" +
        " answered GET http://_egress.local/allowlist with HTTP 403 (expected 200)",
    );
  },
});

Deno.test({
  name:
    "selfTestArgv() tries a timed-out connect again: a host that dropped the first SYN is caught",
  // iptables in the target's network namespace needs the host's root.
  ignore: ignore || Deno.uid() !== 0,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("lossy", INTERNAL);
    const sidecarIp = await fakeSidecar(lab, net, "lossy-sidecar");
    const { name: target, ip } = await webServer(lab, net, "lossy-target");
    // Drops the first SYN that arrives from the network, lets the next one through: the
    // retransmission Linux sends after 1 s comes too late for the measured timeout (0.45 s on
    // an idle bridge), so only a fresh try reaches the host.
    const pid = (await docker(["inspect", "-f", "{{.State.Pid}}", target])).stdout.trim();
    const rule = await new Deno.Command("nsenter", {
      args: ["-t", pid, "-n", "iptables", "-A", "INPUT", "-i", "eth0", "-p", "tcp", "--syn"]
        .concat(["--dport", "8080", "-m", "statistic", "--mode", "nth", "--every", "2"])
        .concat(["--packet", "0", "-j", "DROP"]),
    }).output();
    assert.equal(rule.code, 0, new TextDecoder().decode(rule.stderr));
    const agent = await agentBeside(lab, net, sidecarIp, "lossy-agent");
    const targets = { tcp: [`${ip}:8080`], dns: [] };
    const { report } = await runSelfTest(agent, targets, SIDECAR);
    assert.equal(
      details(report)[`tcp ${ip}:8080`],
      "FAIL: connected directly (expected no route)",
    );
  },
});

Deno.test({
  name: "selfTestArgv() in an image without curl fails the tools probe instead of passing",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const agent = await lab.container("agent", ["--network", "none"], ["sleep", "infinity"]);
    assert.equal((await docker(["exec", agent, "rm", "/usr/bin/curl"])).code, 0);
    const targets = { tcp: ["203.0.113.5:443"], dns: ["example.com"] };
    const { report } = await runSelfTest(agent, targets, SIDECAR);
    assert.equal(
      failureOf(report).message,
      "Isolation self-test failed, the agent was not started: tools missing from the agent image:" +
        " curl (the self-test needs sh, curl and getent); proxy did not run (the tools check" +
        " failed); tcp 203.0.113.5:443 did not run (the tools check failed); dns example.com did" +
        " not run (the tools check failed)",
    );
  },
});

Deno.test({
  name: "selfTestArgv() falls back to getent hosts where getent has no ahosts database",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const agent = await lab.container("agent", ["--network", "none"], ["sleep", "infinity"]);
    const wrapper = '[ "$1" = ahosts ] && { echo "Unknown database: ahosts" >&2; exit 1; }\n' +
      'exec /usr/bin/getent "$@"\n';
    const install = await docker([
      "exec",
      agent,
      "sh",
      "-c",
      'printf "#!/bin/sh\\n%s" "$1" >/usr/local/bin/getent && chmod +x /usr/local/bin/getent',
      "install",
      wrapper,
    ]);
    assert.equal(install.code, 0, install.stderr);
    const shadowed = await docker(["exec", "-u", "65534", agent, "getent", "ahosts", "localhost"]);
    assert.equal(shadowed.stderr, "Unknown database: ahosts\n");
    const targets = { tcp: [], dns: ["localhost", "example.com"] };
    const { report } = await runSelfTest(agent, targets, SIDECAR);
    const { "dns localhost": localhost, "dns example.com": example } = details(report);
    assert.match(localhost ?? "", /^FAIL: resolved to (::1|127\.0\.0\.1) \(expected no answer\)$/);
    assert.equal(example, "ok: does not resolve");
  },
});

Deno.test({
  name: "selfTestArgv() waits for a proxy that starts late, and still catches a reachable target",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("late", INTERNAL);
    // A sidecar whose container runs at once and whose proxy listens only when told, and then
    // seconds later.
    const sidecar = await lab.container("late-sidecar", ["--network", net], [
      "sh",
      "-c",
      'until [ -e /tmp/go ]; do sleep 0.1; done; sleep 2; exec python3 -c "$1"',
      "sh",
      FAKE_PROXY,
    ]);
    const ip = await lab.ip(sidecar);
    const agent = await agentBeside(lab, net, ip, "late-agent");
    const exec = (targets: SelfTestTargets, proxyWaitMs: number) =>
      selfTestDetails(agent, targets, proxyWaitMs);

    // Without a wait the refusing port fails the probe at once, with curl's own error line.
    const early = await exec({ tcp: [], dns: [] }, 0);
    assert.match(early.proxy ?? "", /^FAIL: .* did not answer .*: curl: \(7\) [^\n]*connect/);

    await docker(["exec", sidecar, "touch", "/tmp/go"]);
    // The sidecar's own address refuses too while it starts: a host answered, so it is caught
    // even though the proxy probe is still waiting.
    const targets = { tcp: [`${ip}:9098`], dns: [] };
    const found = await exec(targets, 30_000);
    assert.deepEqual(found, {
      tools: "ok: curl and getent found",
      proxy: "ok: http://bot-bottle-sidecar:9099 answered GET http://_egress.local/allowlist with" +
        " HTTP 200",
      [`tcp ${ip}:9098`]: "FAIL: was refused directly, so a host answered (expected no route)",
    });
  },
});

/** Answers every DNS query for an A record with 192.0.2.1, on port 53. */
const FAKE_RESOLVER = `
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
while True:
    query, asker = s.recvfrom(512)
    end = 12
    while query[end] != 0:
        end += 1 + query[end]
    question = query[12:end + 5]
    a = question[-4:-2] == b"\\x00\\x01"
    head = query[:2] + b"\\x81\\x80" + struct.pack(">HHHH", 1, 1 if a else 0, 0, 0)
    record = b"\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c\\x00\\x04\\xc0\\x00\\x02\\x01"
    s.sendto(head + question + (record if a else b""), asker)
`;

Deno.test({
  name: "selfTestArgv() catches a resolver that starts with the proxy, seconds after the test",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("late-dns", INTERNAL);
    // The names are asked once the proxy answers, so a resolver that was not up when the test
    // began is asked all the same; asked at once, they would time out and pass.
    const sidecar = await lab.container("late-dns-sidecar", ["--network", net], [
      "sh",
      "-c",
      'sleep 2; python3 -c "$2" & exec python3 -c "$1"',
      "sh",
      FAKE_PROXY,
      FAKE_RESOLVER,
    ]);
    const ip = await lab.ip(sidecar);
    const agent = await agentBeside(lab, net, ip, "late-dns-agent", ["--dns", ip]);
    const targets = { tcp: [], dns: ["example.com"] };
    assert.deepEqual(await selfTestDetails(agent, targets, 30_000), {
      tools: "ok: curl and getent found",
      proxy: "ok: http://bot-bottle-sidecar:9099 answered GET http://_egress.local/allowlist with" +
        " HTTP 200",
      "dns example.com": "FAIL: resolved to 192.0.2.1 (expected no answer)",
    });
  },
});

/** The self-test started with its TCP targets to follow: `input` is written after `delayMs`. */
async function runWithInput(
  container: string,
  dns: string[],
  input: string,
  delayMs: number,
): Promise<{ code: number; stdout: string }> {
  const argv = selfTestArgv({ tcp: [], dns }, { proxyUrl: SIDECAR, tcpOnStdin: true });
  const child = new Deno.Command("docker", {
    args: ["exec", "-i", "-u", "65534:65534", container, ...argv],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, delayMs));
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const out = await child.output();
  return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
}

Deno.test({
  name: "selfTestArgv() with tcpOnStdin probes the targets that arrive later, and catches them",
  ignore,
  fn: async () => {
    await using lab = new DockerLab();
    const net = await lab.network("stdin", ["--internal"]);
    const ip = await fakeSidecar(lab, net, "stdin-sidecar");
    const { ip: reachable } = await webServer(lab, net, "stdin-outside");
    const agent = await agentBeside(lab, net, ip, "stdin-agent");
    // The lines come a second after the exec began, as a sidecar's start gives them.
    const run = await runWithInput(
      agent,
      [],
      selfTestStdin([`${reachable}:8080`, "203.0.113.5:443"], { proxyUrl: SIDECAR }),
      1000,
    );
    const targets = { tcp: [`${reachable}:8080`, "203.0.113.5:443"], dns: [] };
    const found = details(parseSelfTest({ ...run, stderr: "" }, targets));
    assert.equal(found[`tcp ${reachable}:8080`], "FAIL: connected directly (expected no route)");
    assert.match(found["tcp 203.0.113.5:443"] ?? "", /^ok: /);
    assert.equal(found.proxy?.startsWith("ok: "), true, found.proxy);

    // A line that is no TCP target is refused, and nothing passes.
    const bad = await runWithInput(agent, [], "dns=example.com\n", 0);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^probe\tinput dns=example\.com\tfail\tis not near= or tcp=$/m);
  },
});
