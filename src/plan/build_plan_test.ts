import assert from "node:assert/strict";
import { ConfigError } from "../../core/errors/mod.ts";
import type { Repo, ResolvedAgent } from "../manifest/mod.ts";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent, resolveSecrets } from "./mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });
const base = { slug: "dev-abc123", label: "dev", cwd: "/work", paths, hostEnv: {} };

function withBottle(change: (agent: ResolvedAgent) => void): ResolvedAgent {
  const agent = demoAgent();
  change(agent);
  return agent;
}

Deno.test("buildPlan() plans the demo as a shell bottle with its read-only routes", () => {
  const plan = buildPlan(demoAgent(), base);
  assert.deepEqual(plan.command, ["bash", "-l"]);
  assert.equal(plan.image.kind, "provider");
  assert.deepEqual(plan.routes.map((r) => r.host), ["example.com", "example.org"]);
  assert.deepEqual(plan.daemons, ["egress"], "the demo has no operator to ask");
  const asking = withBottle((a) => {
    a.bottle.supervise = true;
  });
  assert.deepEqual(buildPlan(asking, base).daemons, ["egress", "supervise"]);
  assert.deepEqual(plan.paths, {
    state: "/tmp/bb-home/state/dev-abc123",
    egress: "/tmp/bb-home/state/dev-abc123/egress",
    agentCa: "/tmp/bb-home/state/dev-abc123/agent",
    queue: "/tmp/bb-home/queue/dev-abc123",
    cache: "/tmp/bb-home/cache",
    gitGate: "/tmp/bb-home/state/dev-abc123/git-gate",
    gitMirrors: "/tmp/bb-home/state/dev-abc123/git-mirrors",
    agentGit: "/tmp/bb-home/state/dev-abc123/agent-git",
    sidecarEtc: "/tmp/bb-home/state/dev-abc123/sidecar-etc",
    workspaceArchive: "/tmp/bb-home/state/dev-abc123/workspace.tar",
  });
  assert.deepEqual(plan.gitGate, { repos: [], keys: [], user: {} });
  assert.deepEqual(plan.operatorTimeouts, {});
  assert.deepEqual(plan.env, [{ name: "BOT_BOTTLE_CANARY", source: "bot-bottle" }]);
});

Deno.test("buildPlan() puts token slots in the routes and never a host variable name", () => {
  const agent = withBottle((a) => {
    a.bottle.egress.routes = [
      {
        host: "a.test",
        auth: { scheme: "Bearer", token_ref: "HOST_A" },
        outbound_on_match: "block",
        inbound_on_secret: "redact",
        allow_private: false,
      },
      {
        host: "b.test",
        auth: { scheme: "token", token_ref: "HOST_B" },
        outbound_on_match: "block",
        inbound_on_secret: "redact",
        allow_private: false,
      },
      {
        host: "c.test",
        auth: { scheme: "Bearer", token_ref: "HOST_A" },
        outbound_on_match: "block",
        inbound_on_secret: "redact",
        allow_private: false,
      },
    ];
  });
  const plan = buildPlan(agent, base);
  assert.deepEqual(plan.routes.map((r) => r.auth?.token_ref), [
    "EGRESS_TOKEN_1",
    "EGRESS_TOKEN_2",
    "EGRESS_TOKEN_1",
  ]);
  assert.deepEqual(plan.tokenSlots, [
    { slot: "EGRESS_TOKEN_1", from: "HOST_A" },
    { slot: "EGRESS_TOKEN_2", from: "HOST_B" },
  ]);
  assert.ok(!JSON.stringify(plan).includes('HOST_A",'), "routes keep no host variable");
});

Deno.test("buildPlan() gives every secret env value a known-secret slot, and literals none", () => {
  const agent = withBottle((a) => {
    a.bottle.env = {
      GREETING: { kind: "literal", value: "hello there friend" },
      DB_PASSWORD: { kind: "host", name: "HOST_DB_PASSWORD" },
      PIN: { kind: "prompt" },
    };
  });
  const plan = buildPlan(agent, base);
  assert.deepEqual(plan.knownSecretSlots, [
    { slot: "EGRESS_KNOWN_SECRET_1", env: "DB_PASSWORD" },
    { slot: "EGRESS_KNOWN_SECRET_2", env: "PIN" },
  ]);
});

Deno.test("buildPlan() runs `-- <cmd…>` instead of the provider's command", () => {
  const plan = buildPlan(demoAgent(), { ...base, command: ["curl", "-s", "https://example.com"] });
  assert.deepEqual(plan.command, ["curl", "-s", "https://example.com"]);
});

Deno.test("buildPlan() boots a committed image on resume", () => {
  const plan = buildPlan(demoAgent(), { ...base, committedImage: "bot-bottle/committed-x:1" });
  assert.deepEqual(plan.image, { kind: "committed", ref: "bot-bottle/committed-x:1" });
});

Deno.test("buildPlan() builds from an operator-approved Dockerfile ahead of a committed image", () => {
  const plan = buildPlan(demoAgent(), {
    ...base,
    committedImage: "bot-bottle/committed-x:1",
    approvedDockerfile: "/tmp/bb-home/state/dev-abc123/image/Dockerfile",
  });
  assert.deepEqual(plan.image, {
    kind: "dockerfile",
    path: "/tmp/bb-home/state/dev-abc123/image/Dockerfile",
  });
});

Deno.test("buildPlan() refuses a plugin provider that was not loaded with the manifest", () => {
  const plugin = withBottle((a) => {
    a.bottle.agentProvider = { template: "aider", builtin: false, forwardHostCredentials: false };
  });
  assert.throws(() => buildPlan(plugin, base), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /agent provider "aider" is neither built in nor a loaded plugin/);
    return true;
  });
});

const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f";

function repo(name: string, port = 22): Repo {
  return {
    name,
    url: `ssh://git@git.test${port === 22 ? "" : `:${port}`}/org/${name}.git`,
    user: "git",
    host: "git.test",
    port,
    path: `org/${name}.git`,
    hostKey: HOST_KEY,
    key: { provider: "static", path: `/home/u/.ssh/${name}_key` },
    extraHosts: { "git.test": "10.9.0.2" },
  };
}

Deno.test("buildPlan() plans the git gate for a bottle with repos", () => {
  const agent = withBottle((a) => {
    a.bottle.supervise = true;
    a.bottle.gitGate.repos = { web: repo("web", 2222), app: repo("app") };
    a.gitUser = {
      name: { value: "Dev Bot", from: "/a.md" },
      email: { value: "dev@example.com", from: "/b.md" },
    };
  });
  const plan = buildPlan(agent, base);
  assert.deepEqual(plan.daemons, ["egress", "supervise", "git-gate"]);
  assert.deepEqual(plan.gitGate.repos.map((r) => r.name), ["app", "web"], "sorted by name");
  assert.deepEqual(plan.gitGate.repos[1], {
    name: "web",
    url: "ssh://git@git.test:2222/org/web.git",
    user: "git",
    host: "git.test",
    port: 2222,
    path: "org/web.git",
    host_key: HOST_KEY,
    extra_hosts: { "git.test": "10.9.0.2" },
  });
  assert.deepEqual(plan.gitGate.keys, [
    { name: "app", path: "/home/u/.ssh/app_key" },
    { name: "web", path: "/home/u/.ssh/web_key" },
  ]);
  assert.deepEqual(plan.gitGate.user, { name: "Dev Bot", email: "dev@example.com" });
  assert.ok(!JSON.stringify(plan.gitGate.repos).includes(".ssh/"), "repos.json names no key file");
  const noSupervise = withBottle((a) => {
    a.bottle.gitGate.repos = { app: repo("app") };
  });
  assert.deepEqual(buildPlan(noSupervise, base).daemons, ["egress", "git-gate"]);
});

Deno.test("buildPlan() refuses a repo the gate's wire format cannot carry", () => {
  const agent = withBottle((a) => {
    a.bottle.gitGate.repos = { app: { ...repo("app"), hostKey: "ssh-ed25519 AAAA\nx" } };
  });
  assert.throws(() => buildPlan(agent, base), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(
      err.message,
      /Cannot start bottle "demo" .*git-gate repo "app" has an invalid host_key/,
    );
    return true;
  });
});

Deno.test("buildPlan() passes operator timeouts to the sidecar and names a malformed one", () => {
  const plan = buildPlan(demoAgent(), {
    ...base,
    hostEnv: {
      SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "2",
      SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: " 86400 ",
      EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "",
    },
  });
  assert.deepEqual(plan.operatorTimeouts, {
    SUPERVISE_RESPONSE_TIMEOUT_SECONDS: 2,
    SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: 86400,
  });
  for (
    const name of [
      "SUPERVISE_RESPONSE_TIMEOUT_SECONDS",
      "SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS",
      "EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS",
    ]
  ) {
    for (const bad of ["0", "-1", "1.5", "abc", "86401", "1e3", "010"]) {
      assert.throws(() => buildPlan(demoAgent(), { ...base, hostEnv: { [name]: bad } }), (err) => {
        assert.ok(err instanceof ConfigError);
        assert.match(
          err.message,
          new RegExp(
            `^${name} "${bad}" is not a whole number of seconds from 1 to 86400 \\(e\\.g\\. \\d+\\)$`,
          ),
        );
        return true;
      });
    }
  }
});

Deno.test("buildPlan() passes egress upstream timeouts to the sidecar within their bounds", () => {
  const plan = buildPlan(demoAgent(), {
    ...base,
    hostEnv: {
      BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: "3",
      BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: "3600",
      BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS: "5",
    },
  });
  assert.deepEqual(plan.operatorTimeouts, {
    BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS: 3,
    BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS: 3600,
    BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS: 5,
  });
  const bounds: [string, string, number][] = [
    ["BOT_BOTTLE_EGRESS_CONNECT_TIMEOUT_SECONDS", "301", 300],
    ["BOT_BOTTLE_EGRESS_RESPONSE_TIMEOUT_SECONDS", "3601", 3600],
    ["BOT_BOTTLE_EGRESS_STALL_TIMEOUT_SECONDS", "0", 3600],
  ];
  for (const [name, bad, max] of bounds) {
    assert.throws(() => buildPlan(demoAgent(), { ...base, hostEnv: { [name]: bad } }), (err) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`^${name} "${bad}" is not .* from 1 to ${max} `));
      return true;
    });
  }
});

Deno.test("buildPlan() refuses env names bot-bottle or the engine CLI own", () => {
  for (
    const name of [
      "HTTPS_PROXY",
      "no_proxy",
      "DOCKER_HOST",
      "PATH",
      "BOT_BOTTLE_CANARY",
      "SSL_CERT_FILE",
      "GIT_CONFIG_SYSTEM",
      "GIT_CONFIG_GLOBAL",
      "GIT_CONFIG_NOSYSTEM",
      "GIT_CONFIG",
      "GIT_CONFIG_COUNT",
      "GIT_CONFIG_KEY_0",
      "GIT_CONFIG_VALUE_0",
      "GIT_CONFIG_PARAMETERS",
      "GIT_SSH",
      "GIT_SSH_COMMAND",
      "GIT_PROXY_COMMAND",
    ]
  ) {
    const agent = withBottle((a) => {
      a.bottle.env = { [name]: { kind: "literal", value: "x" } };
    });
    assert.throws(() => buildPlan(agent, base), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, new RegExp(`env ${name} is set by bot-bottle itself`));
      return true;
    });
  }
});

Deno.test("buildPlan() reads launch settings and names a malformed one", () => {
  const plan = buildPlan(demoAgent(), {
    ...base,
    hostEnv: {
      BOT_BOTTLE_AGENT_BASE_IMAGE: "bot-bottle-test/debian:bookworm",
      BOT_BOTTLE_EGRESS_CONNECT_TO: "example.com:443=172.30.0.2:443",
      BOT_BOTTLE_SELFTEST_TCP: "172.30.0.9:80, 172.30.0.9:443",
      BOT_BOTTLE_SELFTEST_DNS: "outside.test",
    },
  });
  assert.deepEqual(plan.baseImages, { agent: "bot-bottle-test/debian:bookworm" });
  assert.deepEqual(plan.connectTo, ["example.com:443=172.30.0.2:443"]);
  assert.deepEqual(plan.selfTest, {
    tcp: ["172.30.0.9:80", "172.30.0.9:443"],
    dns: ["outside.test"],
  });
  const bad: [string, string, RegExp][] = [
    [
      "BOT_BOTTLE_SELFTEST_TCP",
      "example.com:80",
      /BOT_BOTTLE_SELFTEST_TCP has "example.com:80", which is not ADDR:PORT/,
    ],
    [
      "BOT_BOTTLE_EGRESS_CONNECT_TO",
      "a.test=1.2.3.4",
      /is not a comma-separated list of HOST:PORT=IP:PORT/,
    ],
    [
      "BOT_BOTTLE_SIDECAR_BASE_IMAGE",
      "Bad Image",
      /BOT_BOTTLE_SIDECAR_BASE_IMAGE "Bad Image" is not an image reference/,
    ],
    ["BOT_BOTTLE_EGRESS_UPSTREAM_CA", "ca.pem", /must be an absolute path/],
    [
      "BOT_BOTTLE_BUILD_CA_FILE",
      "proxy-ca.pem",
      /BOT_BOTTLE_BUILD_CA_FILE must be an absolute path/,
    ],
    ["BOT_BOTTLE_EGRESS_CONNECT_TO", "a.test:443=::1:80", /"a.test:443=::1:80" is not a comma-sep/],
    ["BOT_BOTTLE_EGRESS_CONNECT_TO", "a.test:443=10.0.0.1:99999", /is not a comma-separated list/],
    ["BOT_BOTTLE_EGRESS_CONNECT_TO", "a.test:443=upstream.test:443", /is not a comma-separated/],
    ["BOT_BOTTLE_EGRESS_NETWORK", "host", /"host" is shared with the host or with other/],
    ["BOT_BOTTLE_EGRESS_NETWORK", "bridge", /"bridge" is shared/],
    ["BOT_BOTTLE_EGRESS_NETWORK", "bot-bottle-net-other-1", /is shared/],
    [
      "BOT_BOTTLE_RUNTIME",
      "gvisor",
      /BOT_BOTTLE_RUNTIME "gvisor" is not auto, runsc \(insist on gVisor\) or runc/,
    ],
  ];
  for (const [name, value, message] of bad) {
    assert.throws(() => buildPlan(demoAgent(), { ...base, hostEnv: { [name]: value } }), message);
  }
});

Deno.test("buildPlan() carries the bottle's caps and the runtime asked for", () => {
  const agent = demoAgent();
  agent.bottle.limits.agent = { memory: 512 * 1024 ** 2, cpus: 0.5, pids: 128 };
  const plan = buildPlan(agent, { ...base, hostEnv: {} });
  assert.deepEqual(plan.limits, {
    agent: { memory: 512 * 1024 ** 2, cpus: 0.5, pids: 128 },
    sidecar: { memory: 1024 ** 3, cpus: 2, pids: 512 },
  });
  assert.equal(plan.runtime, "auto");
  for (const runtime of ["auto", "runsc", "runc"] as const) {
    const asked = buildPlan(demoAgent(), { ...base, hostEnv: { BOT_BOTTLE_RUNTIME: runtime } });
    assert.equal(asked.runtime, runtime);
  }
});

Deno.test("buildPlan() refuses a home whose path would break a mount option", () => {
  const odd = homePaths({ BOT_BOTTLE_HOME: "/tmp/a,readonly" });
  assert.throws(
    () => buildPlan(demoAgent(), { ...base, paths: odd }),
    /the bot-bottle home "\/tmp\/a,readonly" contains a comma or newline/,
  );
});

Deno.test("resolveSecrets() fills slots from the host and names every missing variable", async () => {
  const agent = withBottle((a) => {
    a.bottle.env = { GREETING: { kind: "literal", value: "hi" }, PASS: { kind: "prompt" } };
    a.bottle.egress.routes = [
      {
        host: "a.test",
        auth: { scheme: "Bearer", token_ref: "HOST_A" },
        outbound_on_match: "block",
        inbound_on_secret: "redact",
        allow_private: false,
      },
      {
        host: "b.test",
        auth: { scheme: "Bearer", token_ref: "HOST_B" },
        outbound_on_match: "block",
        inbound_on_secret: "redact",
        allow_private: false,
      },
    ];
  });
  const plan = buildPlan(agent, base);
  await assert.rejects(
    resolveSecrets(plan, agent.bottle.env, { hostEnv: {}, prompt: () => Promise.resolve("") }),
    /host variables HOST_A, HOST_B \(named by auth.token_ref\) are not set/,
  );
  const secrets = await resolveSecrets(plan, agent.bottle.env, {
    hostEnv: { HOST_A: "real-a", HOST_B: "real-b" },
    prompt: (name) => Promise.resolve(`typed-${name}`),
  });
  assert.deepEqual(secrets.tokens, { EGRESS_TOKEN_1: "real-a", EGRESS_TOKEN_2: "real-b" });
  assert.equal(secrets.agentEnv.GREETING, "hi");
  assert.equal(secrets.agentEnv.PASS, "typed-PASS");
  assert.match(secrets.canary, /^bbcanary-[0-9a-f]{32}$/);
  assert.equal(secrets.agentEnv.BOT_BOTTLE_CANARY, secrets.canary);
  const again = await resolveSecrets(plan, agent.bottle.env, {
    hostEnv: { HOST_A: "a", HOST_B: "b" },
    prompt: () => Promise.resolve(""),
  });
  assert.notEqual(again.canary, secrets.canary, "every bottle gets its own canary");
});
