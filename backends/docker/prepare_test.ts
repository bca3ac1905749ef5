import assert from "node:assert/strict";
import { homePaths } from "../../src/paths/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { prepare } from "./prepare.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });

function planWithToken() {
  const agent = demoAgent();
  agent.bottle.env = { GREETING: { kind: "literal", value: "hello-literal" } };
  agent.bottle.egress.routes.push({
    host: "api.test",
    auth: { scheme: "Bearer", token_ref: "HOST_TOKEN" },
    outbound_on_match: "block",
    allow_private: false,
  });
  return buildPlan(agent, { slug: "dev-abc123", label: "dev", cwd: "/w", paths, hostEnv: {} });
}

function step(title: string): string[] {
  const found = prepare(planWithToken()).steps.find((s) => s.title === title);
  assert.ok(found, `no step "${title}"`);
  return found.argv;
}

/** The value after each occurrence of a flag. */
function values(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => arg === flag ? [argv[i + 1] ?? ""] : []);
}

Deno.test("prepare() passes secrets to containers as bare -e NAME only", () => {
  const sidecar = step("create the sidecar on the internal network");
  const agent = step("start the agent");
  assert.ok(values(sidecar, "--env").includes("EGRESS_TOKEN_1"));
  assert.ok(values(sidecar, "--env").includes("BOT_BOTTLE_CANARY"));
  assert.ok(values(agent, "--env").includes("GREETING"));
  assert.ok(values(agent, "--env").includes("BOT_BOTTLE_CANARY"));
  const all = prepare(planWithToken()).steps.flatMap((s) => s.argv).join(" ");
  assert.ok(!all.includes("hello-literal"), "env values never reach argv");
  assert.ok(!all.includes("HOST_TOKEN"), "host variable names never reach the containers");
});

Deno.test("prepare() keeps the agent on the internal network, the sidecar on both", () => {
  const internal = step("create the internal network");
  assert.ok(internal.includes("--internal"));
  assert.ok(internal.includes("com.docker.network.bridge.inhibit_ipv4=true"));
  const agent = step("start the agent");
  assert.deepEqual(values(agent, "--network"), ["bot-bottle-net-dev-abc123"]);
  assert.deepEqual(values(agent, "--dns"), ["<sidecar-ip>"]);
  assert.deepEqual(values(agent, "--add-host"), ["bot-bottle-sidecar:<sidecar-ip>"]);
  assert.deepEqual(values(agent, "--sysctl"), ["net.ipv6.conf.all.disable_ipv6=1"]);
  assert.deepEqual(values(agent, "--cap-drop"), ["ALL"]);
  assert.ok(!agent.includes("--privileged"));
  const sidecar = step("create the sidecar on the internal network");
  assert.deepEqual(values(sidecar, "--network"), ["bot-bottle-net-dev-abc123"]);
  assert.deepEqual(values(sidecar, "--network-alias"), ["bot-bottle-sidecar"]);
  assert.ok(
    values(sidecar, "--env").includes("BOT_BOTTLE_EGRESS_LISTEN_SUBNET=<internal-subnet>"),
    "the proxy listens on the internal network only",
  );
  assert.deepEqual(step("attach the sidecar to the egress network").slice(1), [
    "network",
    "connect",
    "bot-bottle-egress-dev-abc123",
    "bot-bottle-sidecars-dev-abc123",
  ]);
});

Deno.test("prepare() sets the proxy and CA variables SPEC §5 lists", () => {
  const env = values(step("start the agent"), "--env");
  for (
    const name of [
      "HTTP_PROXY",
      "HTTPS_PROXY",
      "http_proxy",
      "https_proxy",
      "NO_PROXY",
      "no_proxy",
      "NODE_EXTRA_CA_CERTS",
      "SSL_CERT_FILE",
      "REQUESTS_CA_BUNDLE",
      "GIT_SSL_CAINFO",
      "CODEX_CA_CERTIFICATE",
    ]
  ) {
    assert.ok(env.some((e) => e.startsWith(`${name}=`)), `${name} is set`);
  }
  assert.ok(env.includes("HTTPS_PROXY=http://bot-bottle-sidecar:9099"));
});

Deno.test("prepare() labels every container and network with the slug", () => {
  for (const s of prepare(planWithToken()).steps) {
    if (
      ["run", "create"].includes(s.argv[1]!) || (s.argv[1] === "network" && s.argv[2] === "create")
    ) {
      assert.ok(values(s.argv, "--label").includes("bot-bottle.slug=dev-abc123"), s.title);
    }
  }
});

Deno.test("prepare() mounts the CA key into the sidecar only, never into the agent", () => {
  const agentMounts = values(step("start the agent"), "--mount");
  assert.deepEqual(agentMounts, [
    "type=bind,source=/tmp/bb-home/state/dev-abc123/agent,target=/etc/bot-bottle/ca,readonly",
  ]);
  assert.deepEqual(values(step("create the sidecar on the internal network"), "--mount"), [
    "type=bind,source=/tmp/bb-home/state/dev-abc123/egress,target=/state/egress,readonly",
    "type=bind,source=/tmp/bb-home/queue/dev-abc123,target=/queue",
  ]);
});

Deno.test("prepare() uses an operator's egress network instead of creating one", () => {
  const plan = buildPlan(demoAgent(), {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths,
    hostEnv: { BOT_BOTTLE_EGRESS_NETWORK: "lab-net" },
  });
  const steps = prepare(plan).steps;
  assert.ok(!steps.some((s) => s.title === "create the egress network"));
  const connect = steps.find((s) => s.title === "attach the sidecar to the egress network")!;
  assert.deepEqual(connect.argv.slice(1), [
    "network",
    "connect",
    "lab-net",
    "bot-bottle-sidecars-dev-abc123",
  ]);
});
