import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { join } from "node:path";
import { ConfigError, ManifestError } from "../../core/errors/mod.ts";
import { egressConfig, egressPermissions, runEgressDaemon } from "./_egress_daemon.ts";
import type { HandledSignal, SignalSource } from "./_signals.ts";

Deno.test("egressConfig() defaults to the sidecar's state paths and port 9099", () => {
  assert.deepEqual(egressConfig({}), {
    routesFile: "/state/egress/routes.yaml",
    caDir: "/state/egress/ca",
    listen: { hostname: "0.0.0.0", port: 9099 },
    connectTo: new Map(),
    supervise: false,
    upstreamTimeouts: { connectMs: 10_000, responseMs: 300_000, stallMs: 300_000 },
  });
  assert.equal(egressConfig({ BOT_BOTTLE_SIDECAR_DAEMONS: "egress, supervise" }).supervise, true);
  assert.equal(egressConfig({ BOT_BOTTLE_SIDECAR_DAEMONS: "egress,git-gate" }).supervise, false);
});

Deno.test("egressConfig() reads every setting from the environment", () => {
  const config = egressConfig({
    BOT_BOTTLE_EGRESS_ROUTES: "/tmp/r/routes.yaml",
    BOT_BOTTLE_EGRESS_CA_DIR: "/tmp/ca",
    BOT_BOTTLE_EGRESS_LISTEN: "[::1]:0",
    BOT_BOTTLE_EGRESS_UPSTREAM_CA: "/tmp/upstream.pem",
    BOT_BOTTLE_QUEUE_DIR: "/queue",
    BOT_BOTTLE_SLUG: "dev-1",
    EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "7",
    BOT_BOTTLE_EGRESS_CONNECT_TO: "Example.com:443=10.1.2.3:8443, b.test:80=[fd00::1]:80",
    BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "3",
    BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: "3600",
    BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS: "1",
    BOT_BOTTLE_EGRESS_DNS_LISTEN: "0.0.0.0:53",
  });
  assert.deepEqual(config, {
    routesFile: "/tmp/r/routes.yaml",
    caDir: "/tmp/ca",
    listen: { hostname: "::1", port: 0 },
    dnsListen: { hostname: "0.0.0.0", port: 53 },
    upstreamCaFile: "/tmp/upstream.pem",
    operator: { queueDir: "/queue", bottleSlug: "dev-1", timeoutMs: 7000 },
    connectTo: new Map([
      ["example.com:443", { address: "10.1.2.3", port: 8443 }],
      ["b.test:80", { address: "fd00::1", port: 80 }],
    ]),
    supervise: false,
    upstreamTimeouts: { connectMs: 3_000, responseMs: 3_600_000, stallMs: 1_000 },
  });
  assert.equal(
    egressConfig({ BOT_BOTTLE_QUEUE_DIR: "/q", BOT_BOTTLE_SLUG: "b" }).operator?.timeoutMs,
    300_000,
  );
});

Deno.test("egressConfig() rejects bad settings and names the variable", () => {
  const cases: [Record<string, string>, string][] = [
    [
      { BOT_BOTTLE_EGRESS_ROUTES: "routes.yaml" },
      'BOT_BOTTLE_EGRESS_ROUTES "routes.yaml" is not an absolute path (e.g. /state/egress/routes.yaml)',
    ],
    [
      { BOT_BOTTLE_EGRESS_CA_DIR: "./ca" },
      'BOT_BOTTLE_EGRESS_CA_DIR "./ca" is not an absolute path (e.g. /state/egress/ca)',
    ],
    [
      { BOT_BOTTLE_EGRESS_UPSTREAM_CA: "ca.pem" },
      'BOT_BOTTLE_EGRESS_UPSTREAM_CA "ca.pem" is not an absolute path (e.g. ' +
      "/state/egress/upstream-ca.pem)",
    ],
    [
      { BOT_BOTTLE_EGRESS_CONNECT_TO: "a.test:443=upstream:443" },
      'BOT_BOTTLE_EGRESS_CONNECT_TO "a.test:443=upstream:443" is not a comma-separated list ' +
      "of HOST:PORT=IP:PORT (e.g. api.example.com:443=10.0.0.5:8443)",
    ],
    [
      { BOT_BOTTLE_EGRESS_CONNECT_TO: "a.test:0=10.0.0.1:443" },
      'BOT_BOTTLE_EGRESS_CONNECT_TO "a.test:0=10.0.0.1:443" is not a comma-separated list ' +
      "of HOST:PORT=IP:PORT (e.g. api.example.com:443=10.0.0.5:8443)",
    ],
    [
      { BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "301" },
      'BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS "301" is not a whole number of seconds from 1 ' +
      "to 300 (e.g. 10)",
    ],
    [
      { BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: "0" },
      'BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS "0" is not a whole number of seconds from 1 ' +
      "to 3600 (e.g. 300)",
    ],
    [
      { BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS: "1.5" },
      'BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS "1.5" is not a whole number of seconds from 1 ' +
      "to 3600 (e.g. 300)",
    ],
    [
      { BOT_BOTTLE_EGRESS_LISTEN: "9099" },
      'BOT_BOTTLE_EGRESS_LISTEN "9099" is not HOST:PORT (e.g. 0.0.0.0:9099)',
    ],
    [
      { BOT_BOTTLE_EGRESS_LISTEN: "0.0.0.0:70000" },
      'BOT_BOTTLE_EGRESS_LISTEN "0.0.0.0:70000" is not HOST:PORT (e.g. 0.0.0.0:9099)',
    ],
    [
      { BOT_BOTTLE_QUEUE_DIR: "/queue" },
      "BOT_BOTTLE_QUEUE_DIR and BOT_BOTTLE_SLUG must be set together",
    ],
    [{ BOT_BOTTLE_SLUG: "dev" }, "BOT_BOTTLE_QUEUE_DIR and BOT_BOTTLE_SLUG must be set together"],
    [
      { BOT_BOTTLE_QUEUE_DIR: "/q", BOT_BOTTLE_SLUG: "Dev" },
      'BOT_BOTTLE_SLUG "Dev" is not lowercase letters, digits and dashes (e.g. dev-1a2b3c)',
    ],
    [
      {
        BOT_BOTTLE_QUEUE_DIR: "/q",
        BOT_BOTTLE_SLUG: "dev",
        EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "0",
      },
      'EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS "0" is not a whole number of seconds from 1 to ' +
      "86400 (e.g. 300)",
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => egressConfig(env), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, message);
      return true;
    });
  }
});

Deno.test("egressPermissions() grants egress its files and the network, and no programs", () => {
  const perms = egressPermissions(egressConfig({
    BOT_BOTTLE_QUEUE_DIR: "/queue/dev",
    BOT_BOTTLE_SLUG: "dev",
    BOT_BOTTLE_EGRESS_UPSTREAM_CA: "/state/upstream.pem",
  }));
  assert.deepEqual(perms, {
    read: [
      "/state/egress/routes.yaml",
      "/state/egress/ca",
      "/state/upstream.pem",
      "/queue/dev",
      "/etc/ssl",
      "/etc/ca-certificates",
    ],
    write: ["/state/egress/ca", "/queue/dev"],
    net: true,
    env: true,
    sys: ["networkInterfaces"],
    run: [],
  });
});

/** A signal source the test fires by hand. */
function manualSignals(): { source: SignalSource; fire(signal: HandledSignal): void } {
  const listeners = new Set<(signal: HandledSignal) => void>();
  return {
    source: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fire: (signal) => listeners.forEach((listener) => listener(signal)),
  };
}

async function waitFor(lines: string[], pattern: RegExp): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no log line matched ${pattern}:\n${lines.join("\n")}`);
}

/** Run the daemon on one route in `dir`, listening on loopback, with `env` on top; its log lines. */
async function startDaemon(dir: string, env: Record<string, string> = {}) {
  const routesFile = join(dir, "routes.yaml");
  await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n");
  const signals = manualSignals();
  const lines: string[] = [];
  const done = runEgressDaemon({
    BOT_BOTTLE_EGRESS_ROUTES: routesFile,
    BOT_BOTTLE_EGRESS_CA_DIR: join(dir, "ca"),
    BOT_BOTTLE_EGRESS_LISTEN: "127.0.0.1:0",
    ...env,
  }, { log: (line) => lines.push(line), signals: signals.source });
  return { routesFile, signals, lines, done };
}

Deno.test("runEgressDaemon() serves, reloads on SIGHUP and returns 0 on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-egress-daemon-" });
  try {
    const { routesFile, signals, lines, done } = await startDaemon(dir);
    assert.match(await waitFor(lines, /"event":"listening"/), /"routes":1/);
    await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n  - host: new.test\n");
    signals.fire("SIGHUP");
    assert.match(await waitFor(lines, /"event":"reload"/), /"routes":2/);
    signals.fire("SIGTERM");
    assert.equal(await done, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEgressDaemon() fails on a routes file that does not load, or a missing upstream CA", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-egress-daemon-" });
  try {
    const routesFile = join(dir, "routes.yaml");
    await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n    bogus: 1\n");
    const env = {
      BOT_BOTTLE_EGRESS_ROUTES: routesFile,
      BOT_BOTTLE_EGRESS_CA_DIR: join(dir, "ca"),
      BOT_BOTTLE_EGRESS_LISTEN: "127.0.0.1:0",
    };
    const io = { log: () => {}, signals: manualSignals().source };
    await assert.rejects(runEgressDaemon(env, io), ManifestError);
    await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n");
    const missing = join(dir, "missing.pem");
    await assert.rejects(
      runEgressDaemon({ ...env, BOT_BOTTLE_EGRESS_UPSTREAM_CA: missing }, io),
      (err) => {
        assert.ok(err instanceof ConfigError);
        assert.match(
          err.message,
          new RegExp(`^BOT_BOTTLE_EGRESS_UPSTREAM_CA "${missing}" cannot be read: `),
        );
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** One DNS question for `name` (type A), id 0x1234, as a resolver sends it. */
function dnsQuery(name: string): Uint8Array {
  const labels = name.split(".").flatMap((
    label,
  ) => [label.length, ...new TextEncoder().encode(label)]);
  return new Uint8Array([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...labels, 0, 0, 1, 0, 1]);
}

/** Send one datagram to a local UDP port; the reply, or undefined after a second of silence. */
async function askUdp(port: number, query: Uint8Array): Promise<Uint8Array | undefined> {
  const socket = createSocket("udp4");
  try {
    return await new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 1000);
      socket.on("message", (reply) => {
        clearTimeout(timer);
        resolve(new Uint8Array(reply));
      });
      socket.send(query, port, "127.0.0.1");
    });
  } finally {
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }
}

Deno.test("runEgressDaemon() refuses every DNS name where told, and stops answering with the proxy", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-egress-daemon-" });
  try {
    const { signals, lines, done } = await startDaemon(dir, {
      BOT_BOTTLE_EGRESS_DNS_LISTEN: "127.0.0.1:0",
    });
    const listening = await waitFor(lines, /"event":"dns_listening"/);
    const port = Number(/"address":"127\.0\.0\.1:(\d+)"/.exec(listening)?.[1]);
    // A route's host is refused like any other name: nothing is ever resolved for the agent.
    const reply = await askUdp(port, dnsQuery("api.test"));
    assert.ok(reply !== undefined, "no answer");
    assert.deepEqual([...reply.subarray(0, 4)], [0x12, 0x34, 0x81, 0x05]);
    assert.deepEqual([...reply.subarray(6, 12)], [0, 0, 0, 0, 0, 0]);
    await waitFor(lines, /"event":"listening"/);
    signals.fire("SIGTERM");
    assert.equal(await done, 0);
    assert.equal(await askUdp(port, dnsQuery("api.test")), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runEgressDaemon() serves the proxy when its DNS port is taken, and says so", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-egress-daemon-" });
  const taken = createSocket("udp4");
  try {
    await new Promise<void>((resolve) => taken.bind(0, "127.0.0.1", () => resolve()));
    const { signals, lines, done } = await startDaemon(dir, {
      BOT_BOTTLE_EGRESS_DNS_LISTEN: `127.0.0.1:${taken.address().port}`,
    });
    const warning = JSON.parse(await waitFor(lines, /"event":"dns_unavailable"/));
    assert.equal(warning.kind, "warn");
    assert.equal(warning.address, `127.0.0.1:${taken.address().port}`);
    assert.match(warning.reason, /EADDRINUSE/);
    await waitFor(lines, /"event":"listening"/);
    signals.fire("SIGTERM");
    assert.equal(await done, 0);
  } finally {
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    await Deno.remove(dir, { recursive: true });
  }
});
