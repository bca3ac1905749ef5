import assert from "node:assert/strict";
import { homePaths } from "../../src/paths/mod.ts";
import { launchSpec } from "../../src/launch/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { backend } from "../../backends/docker/mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" });

function planWithToken() {
  const agent = demoAgent();
  agent.bottle.env = { GREETING: { kind: "literal", value: "hello-literal" } };
  agent.bottle.egress.routes.push({
    host: "api.test",
    auth: { scheme: "Bearer", token_ref: "HOST_TOKEN" },
    outbound_on_match: "block",
    inbound_on_secret: "redact",
    allow_private: false,
  });
  return buildPlan(agent, { slug: "dev-abc123", label: "dev", cwd: "/w", paths, hostEnv: {} });
}

function step(title: string): string[] {
  const found = backend.prepare(launchSpec(planWithToken(), backend.superviseUrl("dev"))).steps
    .find((s) => s.title === title);
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
  const all = backend.prepare(launchSpec(planWithToken(), backend.superviseUrl("dev"))).steps
    .flatMap((s) => s.argv).join(" ");
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
  // The sidecar's address is pinned outside the range docker hands the agent, so the agent can
  // start alongside it with that address as its DNS and proxy host.
  assert.deepEqual(values(internal, "--subnet"), ["<internal-subnet>"]);
  assert.deepEqual(values(internal, "--ip-range"), ["<agent-range>"]);
  assert.deepEqual(values(sidecar, "--ip"), ["<sidecar-ip>"]);
  assert.ok(
    values(sidecar, "--env").includes("BOT_BOTTLE_EGRESS_LISTEN_SUBNET=<internal-subnet>"),
    "the proxy listens on the internal network only",
  );
  // Forwarding off, and port 53 (no lower one) open to egress's DNS answers as a non-root user.
  assert.deepEqual(values(sidecar, "--sysctl"), [
    "net.ipv4.ip_forward=0",
    "net.ipv6.conf.all.forwarding=0",
    "net.ipv4.ip_unprivileged_port_start=53",
  ]);
  assert.ok(values(sidecar, "--env").includes("BOT_BOTTLE_EGRESS_DNS_LISTEN=0.0.0.0:53"));
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
  for (const s of backend.prepare(launchSpec(planWithToken(), backend.superviseUrl("dev"))).steps) {
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
    "type=bind,source=/tmp/bb-home/state/dev-abc123/agent-git,target=/etc/bot-bottle/git,readonly",
  ]);
  assert.deepEqual(values(step("create the sidecar on the internal network"), "--mount"), [
    "type=bind,source=/tmp/bb-home/state/dev-abc123/egress,target=/state/egress,readonly",
    "type=bind,source=/tmp/bb-home/queue/dev-abc123,target=/queue",
    "type=bind,source=/tmp/bb-home/state/dev-abc123/sidecar-etc/passwd,target=/etc/passwd,readonly",
    "type=bind,source=/tmp/bb-home/state/dev-abc123/sidecar-etc/group,target=/etc/group,readonly",
  ]);
});

function planWithRepos(hostEnv: Record<string, string> = {}) {
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
      key: { provider: "static", path: "/home/u/.ssh/deploy_key" },
      extraHosts: {},
    },
  };
  return buildPlan(agent, { slug: "dev-abc123", label: "dev", cwd: "/w", paths, hostEnv });
}

function sidecarOf(plan: ReturnType<typeof buildPlan>): string[] {
  return backend.prepare(launchSpec(plan, backend.superviseUrl("dev"))).steps.find((s) =>
    s.title === "create the sidecar on the internal network"
  )!
    .argv;
}

Deno.test("prepare() gives the sidecar the git gate's mounts and settings only with repos", () => {
  const gate = sidecarOf(planWithRepos());
  const mounts = values(gate, "--mount");
  assert.ok(mounts.includes(
    "type=bind,source=/tmp/bb-home/state/dev-abc123/git-gate,target=/state/git-gate,readonly",
  ));
  assert.ok(
    mounts.includes("type=bind,source=/tmp/bb-home/state/dev-abc123/git-mirrors,target=/git"),
  );
  const env = values(gate, "--env");
  for (
    const setting of [
      "BOT_BOTTLE_SIDECAR_DAEMONS=egress,git-gate",
      "BOT_BOTTLE_GIT_GATE_CONFIG_DIR=/state/git-gate",
      "BOT_BOTTLE_GIT_GATE_MIRROR_DIR=/git",
      "BOT_BOTTLE_GIT_GATE_LISTEN=0.0.0.0:9420",
      "BOT_BOTTLE_GIT_GATE_LISTEN_SUBNET=<internal-subnet>",
    ]
  ) {
    assert.ok(env.includes(setting), setting);
  }
  const argv = backend.prepare(launchSpec(planWithRepos(), backend.superviseUrl("dev"))).steps
    .flatMap((s) => s.argv).join("\n");
  assert.ok(!argv.includes("deploy_key"), "the host key path reaches no argv");
  const plain = sidecarOf(buildPlan(demoAgent(), {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths,
    hostEnv: {},
  }));
  assert.ok(!plain.join(" ").includes("git-gate"), "no gate without repos");
  assert.ok(!plain.join(" ").includes("git-mirrors"));
  assert.ok(!values(plain, "--env").some((e) => e.startsWith("BOT_BOTTLE_GIT_GATE_")));
});

Deno.test("prepare() points the agent's git at the bottle's gitconfig", () => {
  const agent =
    backend.prepare(launchSpec(planWithRepos(), backend.superviseUrl("dev"))).steps.find((s) =>
      s.title === "start the agent"
    )!
      .argv;
  assert.ok(values(agent, "--env").includes("GIT_CONFIG_SYSTEM=/etc/bot-bottle/git/gitconfig"));
  const noProxy = values(agent, "--env").find((e) => e.startsWith("NO_PROXY="));
  assert.ok(
    noProxy?.split("=")[1]?.split(",").includes("bot-bottle-sidecar"),
    "the gate is reached without the proxy",
  );
});

Deno.test("prepare() passes the operator's timeouts to the sidecar", () => {
  const env = values(
    sidecarOf(planWithRepos({
      SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: "3",
      EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "4",
    })),
    "--env",
  );
  assert.ok(env.includes("SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS=3"));
  assert.ok(env.includes("EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS=4"));
  assert.ok(!env.some((e) => e.startsWith("SUPERVISE_RESPONSE_TIMEOUT_SECONDS")), "unset: none");
});

Deno.test("prepare() uses an operator's egress network instead of creating one", () => {
  const plan = buildPlan(demoAgent(), {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths,
    hostEnv: { BOT_BOTTLE_EGRESS_NETWORK: "lab-net" },
  });
  const steps = backend.prepare(launchSpec(plan, backend.superviseUrl("dev"))).steps;
  assert.ok(!steps.some((s) => s.title === "create the egress network"));
  const connect = steps.find((s) => s.title === "attach the sidecar to the egress network")!;
  assert.deepEqual(connect.argv.slice(1), [
    "network",
    "connect",
    "lab-net",
    "bot-bottle-sidecars-dev-abc123",
  ]);
});

Deno.test("prepare() caps both containers' memory (no swap beyond it), CPU and pids", () => {
  const agent = step("start the agent");
  assert.deepEqual(values(agent, "--memory"), [`${4 * 1024 ** 3}b`]);
  assert.deepEqual(values(agent, "--memory-swap"), [`${4 * 1024 ** 3}b`]);
  assert.deepEqual(values(agent, "--cpu-period"), ["100000"]);
  assert.deepEqual(values(agent, "--cpu-quota"), ["200000"]);
  assert.deepEqual(values(agent, "--pids-limit"), ["4096"]);
  const sidecar = step("create the sidecar on the internal network");
  assert.deepEqual(values(sidecar, "--memory"), [`${1024 ** 3}b`]);
  assert.deepEqual(values(sidecar, "--memory-swap"), [`${1024 ** 3}b`]);
  assert.deepEqual(values(sidecar, "--cpu-quota"), ["200000"]);
  assert.deepEqual(values(sidecar, "--pids-limit"), ["512"]);
});

Deno.test("prepare() publishes the sidecar's ports only when asked, and only on that address", () => {
  assert.deepEqual(values(step("create the sidecar on the internal network"), "--publish"), []);
  const spec = launchSpec(planWithToken(), backend.superviseUrl("dev"));
  const asked = backend.prepare({ ...spec, sidecar: { ...spec.sidecar, publishOn: "127.77.1.2" } })
    .steps.find((s) => s.title === "create the sidecar on the internal network")!.argv;
  assert.deepEqual(values(asked, "--publish"), [
    "127.77.1.2:9099:9099",
    "127.77.1.2:9100:9100",
    "127.77.1.2:9420:9420",
  ]);
});
