import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ConfigError } from "../../core/errors/mod.ts";
import { addressInSubnet, parseSubnet } from "../../core/sidecar_contract/mod.ts";
import type { HandledSignal, SignalSource } from "./_signals.ts";
import { runSuperviseDaemon, superviseConfig, supervisePermissions } from "./_supervise_daemon.ts";

const QUEUE = { BOT_BOTTLE_QUEUE_DIR: "/queue/dev", BOT_BOTTLE_SLUG: "dev" };

Deno.test("superviseConfig() defaults to the sidecar's routes file, port 9100 and 30 s", () => {
  assert.deepEqual(superviseConfig(QUEUE), {
    routesFile: "/state/egress/routes.yaml",
    listen: { hostname: "0.0.0.0", port: 9100 },
    queueDir: "/queue/dev",
    bottleSlug: "dev",
    responseTimeoutMs: 30_000,
  });
});

Deno.test("superviseConfig() reads every setting from the environment", () => {
  assert.deepEqual(
    superviseConfig({
      ...QUEUE,
      BOT_BOTTLE_EGRESS_ROUTES: "/tmp/r/routes.yaml",
      BOT_BOTTLE_SUPERVISE_LISTEN: "[::1]:0",
      BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET: "172.20.0.0/16",
      SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "5",
    }),
    {
      routesFile: "/tmp/r/routes.yaml",
      listen: { hostname: "::1", port: 0 },
      listenSubnet: { network: 0xac140000, prefix: 16 },
      queueDir: "/queue/dev",
      bottleSlug: "dev",
      responseTimeoutMs: 5_000,
    },
  );
});

Deno.test("superviseConfig() fails closed without a queue and names every bad variable", () => {
  const cases: [Record<string, string>, string][] = [
    [{ BOT_BOTTLE_SLUG: "dev" }, "BOT_BOTTLE_QUEUE_DIR must be set for the supervise daemon"],
    [{ BOT_BOTTLE_QUEUE_DIR: "/q" }, "BOT_BOTTLE_SLUG must be set for the supervise daemon"],
    [
      { ...QUEUE, BOT_BOTTLE_QUEUE_DIR: "queue" },
      'BOT_BOTTLE_QUEUE_DIR "queue" is not an absolute path (e.g. /queue)',
    ],
    [
      { ...QUEUE, BOT_BOTTLE_SLUG: "Dev" },
      'BOT_BOTTLE_SLUG "Dev" is not lowercase letters, digits and dashes (e.g. dev-1a2b3c)',
    ],
    [
      { ...QUEUE, BOT_BOTTLE_EGRESS_ROUTES: "routes.yaml" },
      'BOT_BOTTLE_EGRESS_ROUTES "routes.yaml" is not an absolute path (e.g. ' +
      "/state/egress/routes.yaml)",
    ],
    [
      { ...QUEUE, BOT_BOTTLE_SUPERVISE_LISTEN: "9100" },
      'BOT_BOTTLE_SUPERVISE_LISTEN "9100" is not HOST:PORT (e.g. 0.0.0.0:9100)',
    ],
    [
      { ...QUEUE, BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET: "172.20.0.0" },
      'BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET "172.20.0.0" is not an IPv4 subnet (e.g. 172.20.0.0/16)',
    ],
    [
      { ...QUEUE, SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "0.5" },
      'SUPERVISE_RESPONSE_TIMEOUT_SECONDS "0.5" is not a whole number of seconds from 1 to ' +
      "86400 (e.g. 30)",
    ],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => superviseConfig(env), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, message);
      return true;
    });
  }
});

Deno.test("supervisePermissions() grants the routes file, the queue and the network, no programs", () => {
  assert.deepEqual(supervisePermissions(superviseConfig(QUEUE)), {
    read: ["/state/egress/routes.yaml", "/queue/dev"],
    write: ["/queue/dev"],
    net: true,
    env: true,
    sys: [],
    run: [],
  });
  const subnet = superviseConfig({ ...QUEUE, BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET: "10.0.0.0/8" });
  assert.deepEqual(supervisePermissions(subnet).sys, ["networkInterfaces"]);
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

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (let i = 0; i < 1500; i++) {
    const match = pattern.exec(read());
    if (match !== null) return match;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never matched ${pattern}:\n${read()}`);
}

const LISTENING = /"event":"listening","address":"127\.0\.0\.1:(\d+)"/;

async function mcpClient(port: string): Promise<Client> {
  const client = new Client({ name: "supervise-daemon-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));
  return client;
}

Deno.test("runSuperviseDaemon() serves MCP, answers pending after the timeout, stops on SIGTERM", async () => {
  const dir = await Deno.makeTempDir({ prefix: "bb-supervise-daemon-" });
  try {
    const routesFile = join(dir, "routes.yaml");
    await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n");
    const signals = manualSignals();
    const lines: string[] = [];
    const done = runSuperviseDaemon({
      BOT_BOTTLE_EGRESS_ROUTES: routesFile,
      BOT_BOTTLE_QUEUE_DIR: join(dir, "queue"),
      BOT_BOTTLE_SLUG: "dev",
      BOT_BOTTLE_SUPERVISE_LISTEN: "127.0.0.1:0",
      SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "1",
    }, { log: (line) => lines.push(line), signals: signals.source });
    const [, port] = await waitFor(() => lines.join("\n"), LISTENING);
    const client = await mcpClient(port!);
    try {
      const result = await client.callTool({
        name: "egress-allow",
        arguments: { routes_yaml: "routes:\n  - host: new.test\n", justification: "tests" },
      });
      const [content] = result.content as { text: string }[];
      assert.match(
        content!.text,
        /^status: pending\n.*\nnotes: operator response timed out after 1s/,
      );
    } finally {
      await client.close();
    }
    signals.fire("SIGHUP");
    signals.fire("SIGTERM");
    assert.equal(await done, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runSuperviseDaemon() refuses to listen when no interface is in the subnet", async () => {
  // Documentation ranges; test machines do use some of them, so take one this host lacks.
  const subnet = ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"].find((s) =>
    addressInSubnet(parseSubnet(s)!, Deno.networkInterfaces()) === undefined
  );
  assert.ok(subnet !== undefined, "every documentation range is local here");
  await assert.rejects(
    runSuperviseDaemon({
      ...QUEUE,
      BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET: subnet,
    }, { log: () => {}, signals: manualSignals().source }),
    {
      name: "ConfigError",
      message: "BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET: no interface of this container is in that " +
        "subnet; refusing to listen anywhere else",
    },
  );
});

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TOKEN = "ghp_superviseTestToken0123456789abcdefAB";

/** The environment (as NUL-separated entries) and argv of a process, read through `cat`. */
async function procFile(pid: number, name: string): Promise<string> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/${name}`] }).output();
  return new TextDecoder().decode(out.stdout);
}

async function childPids(pid: number): Promise<number[]> {
  const out = await new Deno.Command("ps", { args: ["-o", "pid=", "--ppid", String(pid)] })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").map((l) => l.trim()).filter(Boolean)
    .map(Number);
}

Deno.test("sidecar/main.ts starts supervise beside egress, without tokens, canary or run permission", async () => {
  const dir = await Deno.makeTempDir({ dir: "/tmp", prefix: "bb-sidecar-supervise-" });
  const denoDir = Deno.env.get("DENO_DIR");
  const routesFile = join(dir, "egress", "routes.yaml");
  await Deno.mkdir(join(dir, "egress"));
  await Deno.writeTextFile(routesFile, "routes:\n  - host: api.test\n");
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "-P=sidecar", MAIN],
    cwd: REPO,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? "/root",
      ...(denoDir === undefined ? {} : { DENO_DIR: denoDir }),
      BOT_BOTTLE_SIDECAR_DAEMONS: "egress,supervise",
      BOT_BOTTLE_EGRESS_ROUTES: routesFile,
      BOT_BOTTLE_EGRESS_CA_DIR: join(dir, "egress", "ca"),
      BOT_BOTTLE_EGRESS_LISTEN: "127.0.0.1:0",
      BOT_BOTTLE_SUPERVISE_LISTEN: "127.0.0.1:0",
      BOT_BOTTLE_QUEUE_DIR: join(dir, "queue"),
      BOT_BOTTLE_SLUG: "dev",
      BOT_BOTTLE_SIDECAR_GRACE_SECONDS: "5",
      EGRESS_TOKEN_1: TOKEN,
      BOT_BOTTLE_CANARY: "bb-canary-0123456789",
    },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let text = "";
  const collected = (async () => {
    for await (const chunk of process.stderr.pipeThrough(new TextDecoderStream())) text += chunk;
  })();
  try {
    await waitFor(() => text, /\[egress\] \{.*"event":"listening"/);
    const [, port] = await waitFor(
      () => text,
      new RegExp(`\\[supervise\\] \\{.*${LISTENING.source}`),
    );
    const client = await mcpClient(port!);
    try {
      const result = await client.callTool({ name: "list-egress-routes", arguments: {} });
      const [content] = result.content as { text: string }[];
      assert.equal(content!.text, "routes:\n  - host: api.test\n");
    } finally {
      await client.close();
    }
    const daemons = await childPids(process.pid);
    assert.equal(daemons.length, 2, text);
    const supervise = [];
    for (const pid of daemons) {
      const argv = await procFile(pid, "cmdline");
      if (argv.endsWith("--daemon\0supervise\0")) supervise.push({ pid, argv });
    }
    assert.equal(supervise.length, 1);
    const environ = (await procFile(supervise[0]!.pid, "environ")).split("\0");
    assert.equal(environ.some((e) => e.startsWith("EGRESS_TOKEN_") || e.includes(TOKEN)), false);
    assert.equal(environ.some((e) => e.startsWith("BOT_BOTTLE_CANARY=")), false);
    assert.doesNotMatch(supervise[0]!.argv, /--allow-run|--allow-all|-A\0/);
    process.kill("SIGTERM");
    assert.equal((await process.status).code, 0);
    await collected;
    assert.match(text, /\[sidecar\] supervise exited with status 0\n/);
  } finally {
    // A SIGKILLed init cannot stop its daemons, which hold the stderr pipe open: kill them too.
    for (const pid of await childPids(process.pid)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    try {
      process.kill("SIGKILL");
    } catch {
      // Already exited, as it should have.
    }
    await process.status;
    await collected;
    await Deno.remove(dir, { recursive: true });
  }
});
