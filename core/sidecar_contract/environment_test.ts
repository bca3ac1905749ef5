import assert from "node:assert/strict";
import {
  agentEnvironment,
  gateUrl,
  proxyUrl,
  readSetting,
  settingOrDefault,
  SIDECAR_ENV,
  sidecarEnvironment,
  superviseUrl,
  tokenSlotName,
} from "./mod.ts";
import { ConfigError } from "../errors/mod.ts";

const BASE = {
  daemons: ["egress"] as const,
  slug: "dev-1",
  listenSubnet: "172.20.0.0/16",
  upstreamCa: false,
  connectTo: [],
  timeouts: {},
};

Deno.test("sidecarEnvironment() names only what the bottle runs, and never a secret", () => {
  const plain = sidecarEnvironment(BASE);
  assert.equal(plain.BOT_BOTTLE_SIDECAR_DAEMONS, "egress");
  assert.equal(plain.BOT_BOTTLE_EGRESS_LISTEN_SUBNET, "172.20.0.0/16");
  assert.equal(plain.BOT_BOTTLE_SUPERVISE_LISTEN_SUBNET, "172.20.0.0/16");
  // The resolver the agent is given asks port 53; egress answers there, in the same subnet.
  assert.equal(plain.BOT_BOTTLE_EGRESS_DNS_LISTEN, "0.0.0.0:53");
  for (const absent of ["BOT_BOTTLE_EGRESS_UPSTREAM_CA", "BOT_BOTTLE_EGRESS_CONNECT_TO"]) {
    assert.ok(!(absent in plain), absent);
  }
  assert.ok(!Object.keys(plain).some((name) => name.startsWith("BOT_BOTTLE_GIT_GATE_")));
  assert.ok(!(SIDECAR_ENV.canary.name in plain), "the canary travels as a secret");
  assert.ok(!Object.keys(plain).some((name) => name.startsWith("EGRESS_TOKEN_")));
  const gate = sidecarEnvironment({
    ...BASE,
    daemons: ["egress", "git-gate"],
    upstreamCa: true,
    connectTo: ["a.test:443=10.0.0.1:443", "b.test:80=10.0.0.2:8080"],
    timeouts: { SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: 5 },
  });
  assert.equal(gate.BOT_BOTTLE_GIT_GATE_LISTEN_SUBNET, "172.20.0.0/16");
  assert.equal(gate.BOT_BOTTLE_EGRESS_UPSTREAM_CA, "/state/egress/upstream-ca.pem");
  assert.equal(
    gate.BOT_BOTTLE_EGRESS_CONNECT_TO,
    "a.test:443=10.0.0.1:443,b.test:80=10.0.0.2:8080",
  );
  assert.equal(readSetting(gate, SIDECAR_ENV.egressConnectTo)?.length, 2);
  assert.equal(readSetting(gate, SIDECAR_ENV.gitleaksAllowTimeout), 5);
});

Deno.test("readSetting() applies defaults and names the variable in every refusal", () => {
  assert.equal(readSetting({}, SIDECAR_ENV.superviseResponseTimeout), 30);
  assert.equal(
    readSetting({ SUPERVISE_RESPONSE_TIMEOUT_SECONDS: "" }, SIDECAR_ENV.superviseResponseTimeout),
    30,
  );
  assert.equal(readSetting({}, SIDECAR_ENV.queueDir), undefined);
  assert.throws(
    () => readSetting({ BOT_BOTTLE_QUEUE_DIR: "queue" }, SIDECAR_ENV.queueDir),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.message === 'BOT_BOTTLE_QUEUE_DIR "queue" is not an absolute path (e.g. /queue)',
  );
  assert.throws(
    () => settingOrDefault({}, SIDECAR_ENV.slug),
    (err: unknown) => err instanceof ConfigError && err.message === "BOT_BOTTLE_SLUG must be set",
  );
  assert.equal(settingOrDefault({}, SIDECAR_ENV.gitGateTimeout), 600);
  assert.throws(
    () => readSetting({ BOT_BOTTLE_EGRESS_LISTEN: "0.0.0.0:99999" }, SIDECAR_ENV.egressListen),
    /^ConfigError: BOT_BOTTLE_EGRESS_LISTEN "0\.0\.0\.0:99999" is not HOST:PORT \(e\.g\. 0\.0\.0\.0:9099\)$/,
  );
});

Deno.test("the agent reaches the sidecar by one name, through the proxy but for the sidecar", () => {
  assert.equal(proxyUrl(), "http://bot-bottle-sidecar:9099");
  assert.equal(superviseUrl(), "http://bot-bottle-sidecar:9100/mcp");
  assert.equal(gateUrl("app"), "http://bot-bottle-sidecar:9420/app.git");
  assert.equal(tokenSlotName(2), "EGRESS_TOKEN_2");
  const env = agentEnvironment();
  assert.equal(env.HTTPS_PROXY, proxyUrl());
  assert.equal(env.http_proxy, proxyUrl());
  assert.ok(env.NO_PROXY?.split(",").includes("bot-bottle-sidecar"), "supervise and the gate");
  assert.equal(env.NODE_EXTRA_CA_CERTS, "/etc/bot-bottle/ca/ca.pem");
  assert.equal(env.GIT_CONFIG_SYSTEM, "/etc/bot-bottle/git/gitconfig");
});
