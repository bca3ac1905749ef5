import assert from "node:assert/strict";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent } from "../plan/mod.ts";
import { providerRoutes } from "../providers/mod.ts";
import { displayArgv, preflightText, stepsText } from "./_preflight.ts";

Deno.test("displayArgv() quotes only what a shell would split or expand", () => {
  assert.equal(
    displayArgv(["docker", "run", "--label", "a=b", "<img>", "it's", "two words", "$HOME", ""]),
    `docker run --label a=b '<img>' 'it'\\''s' 'two words' '$HOME' ''`,
  );
});

Deno.test("stepsText() numbers the backend's steps under a heading", () => {
  assert.equal(
    stepsText({
      backend: "docker",
      steps: [
        { title: "create the network", argv: ["docker", "network", "create", "n"] },
        { title: "start", argv: ["docker", "run", "x"] },
      ],
    }),
    "Steps (docker)\n\n  1. create the network\n     docker network create n\n  2. start\n" +
      "     docker run x\n",
  );
});

Deno.test("preflightText() shows every host setting that changes isolation or testing", () => {
  const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-pre" });
  const base = { slug: "demo-abc123", label: "demo", cwd: "/w", paths };
  const plain = preflightText(
    demoAgent(),
    buildPlan(demoAgent(), { ...base, hostEnv: {} }),
    { backend: "docker" },
  );
  assert.match(plain, /self-test: +no TCP to 1\.1\.1\.1:443\n/);
  assert.ok(!plain.includes("connect-to"), plain);
  const lab = buildPlan(demoAgent(), {
    ...base,
    hostEnv: {
      BOT_BOTTLE_EGRESS_CONNECT_TO: "example.com:443=172.30.0.2:443",
      BOT_BOTTLE_EGRESS_UPSTREAM_CA: "/tmp/lab-ca.pem",
      BOT_BOTTLE_EGRESS_NETWORK: "lab-net",
      BOT_BOTTLE_SELFTEST_DNS: "outside.test",
      SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "2",
      BOT_BOTTLE_BUILD_CA_FILE: "/etc/ssl/certs/proxy-ca.pem",
    },
  });
  const text = preflightText(demoAgent(), lab, { backend: "docker" });
  assert.match(
    text,
    /connect-to: +example\.com:443=172\.30\.0\.2:443 {2}\(no private-address check\)/,
  );
  assert.match(text, /upstream CA: +\/tmp\/lab-ca\.pem {2}\(also trusted for upstream TLS\)/);
  assert.match(text, /egress network: +lab-net/);
  assert.match(text, /no DNS for outside\.test/);
  assert.match(text, /timeouts: +SUPERVISE_RESPONSE_TIMEOUT_SECONDS=2\n/);
  assert.ok(!plain.includes("timeouts"), plain);
  assert.match(
    text,
    /build CA: +\/etc\/ssl\/certs\/proxy-ca\.pem {2}\(trusted by image builds only\)/,
  );
  assert.ok(!plain.includes("build CA"), plain);
});

Deno.test("preflightText() says where the provider's credential comes from, and how it is sent", () => {
  const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-pre" });
  const agent = demoAgent();
  agent.bottle.agentProvider = {
    template: "claude",
    builtin: true,
    forwardHostCredentials: false,
    authToken: "ANTHROPIC_KEY",
  };
  agent.bottle.egress.routes = providerRoutes({ template: "claude", authToken: "ANTHROPIC_KEY" });
  const plan = buildPlan(agent, {
    slug: "c-1",
    label: "c",
    cwd: "/w",
    paths,
    hostEnv: { ANTHROPIC_KEY: "sk-ant-api03-secret-value" },
  });
  const text = preflightText(agent, plan, { backend: "docker" });
  assert.match(text, /provider: +claude {2}\(API key from \$ANTHROPIC_KEY, injected by egress;/);
  assert.match(text, /api\.anthropic\.com \[auth:x-api-key\]/);
  assert.ok(!text.includes("secret-value"), "names only");
  assert.match(
    preflightText(
      demoAgent(),
      buildPlan(demoAgent(), { ...{ slug: "d-1", label: "d", cwd: "/w", paths }, hostEnv: {} }),
      { backend: "docker" },
    ),
    /provider: +shell {2}\(no credential\)/,
  );
});

Deno.test("preflightText() shows git gate repos and the identity with provenance, no key", () => {
  const agent = demoAgent();
  agent.bottle.gitGate.repos = {
    app: {
      name: "app",
      url: "ssh://git@git.test/org/app.git",
      user: "git",
      host: "git.test",
      port: 22,
      path: "org/app.git",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
      key: { provider: "static", path: "/home/u/.ssh/preflight_deploy_key" },
      extraHosts: {},
    },
  };
  agent.gitUser = {
    name: { value: "Dev Bot", from: "/home/u/.bot-bottle/agents/dev.md" },
  };
  const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-pre" });
  const plan = buildPlan(agent, {
    slug: "demo-abc123",
    label: "demo",
    cwd: "/w",
    paths,
    hostEnv: {},
  });
  const text = preflightText(agent, plan, { backend: "docker" });
  assert.match(text, /git gate: +app {2}ssh:\/\/git@git\.test\/org\/app\.git\n/);
  assert.match(
    text,
    /git identity: +name: Dev Bot {2}\(\/home\/u\/\.bot-bottle\/agents\/dev\.md\)\n/,
  );
  assert.match(text, /\n +email: \(unset\)\n/);
  assert.ok(!text.includes("preflight_deploy_key"), "the key path is not shown");
  assert.ok(!text.includes("AAAAC3Nza"), "nor the pinned host key");
});

Deno.test("preflightText() shows both containers' caps and the agent's isolation", () => {
  const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-pre" });
  const agent = demoAgent();
  agent.bottle.limits.agent = { memory: 1536 * 1024 ** 2, cpus: 1, pids: 256 };
  const plan = buildPlan(agent, { slug: "d-1", label: "d", cwd: "/w", paths, hostEnv: {} });
  const text = preflightText(agent, plan, { backend: "docker", isolation: "gVisor (runsc)" });
  assert.match(text, /isolation: +gVisor \(runsc\)\n/);
  assert.match(text, /limits: +agent: 1\.5GiB memory, 1 CPU, 256 processes\n/);
  assert.match(text, /\n +sidecar: 1GiB memory, 2 CPUs, 512 processes\n/);
});
