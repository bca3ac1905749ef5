import assert from "node:assert/strict";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent } from "../plan/mod.ts";
import { agentSpec, launchSpec, sidecarSecrets, sidecarSpec } from "./_specs.ts";

const URL = "http://sidecar.example:9100/mcp";

function plan() {
  return buildPlan(demoAgent(), {
    slug: "demo-000001",
    label: "demo",
    cwd: "/w",
    paths: homePaths({ BOT_BOTTLE_HOME: "/nonexistent-home" }),
    hostEnv: {},
  });
}

Deno.test("agentSpec() tells the agent where supervise is only when the bottle runs it", () => {
  const without = plan();
  assert.equal(without.daemons.includes("supervise"), false);
  assert.equal(agentSpec(without, "img", URL).env.MCP_SUPERVISE_URL, undefined);
  const withSupervise = { ...without, daemons: [...without.daemons, "supervise" as const] };
  const env = agentSpec(withSupervise, "img", URL).env;
  assert.equal(env.MCP_SUPERVISE_URL, URL);
  // The sidecar is never proxied, so the agent's MCP client reaches the server directly.
  assert.ok(env.NO_PROXY?.split(",").includes("bot-bottle-sidecar"), env.NO_PROXY);
  assert.equal(launchSpec(withSupervise, URL).agent.env.MCP_SUPERVISE_URL, URL);
});

Deno.test("sidecarSpec() and sidecarSecrets() pass secret env values to egress by slot, never inline", () => {
  const p = {
    ...plan(),
    knownSecretSlots: [{ slot: "EGRESS_KNOWN_SECRET_1", env: "DB_PASSWORD" }],
  };
  const spec = sidecarSpec(p, { image: "img", internalSubnet: "172.20.0.0/16", user: "1:1" });
  assert.ok(spec.secretEnv.includes("EGRESS_KNOWN_SECRET_1"));
  assert.ok(!JSON.stringify(spec).includes("hunter2-db-password"));
  const values = sidecarSecrets(p, {
    agentEnv: { DB_PASSWORD: "hunter2-db-password", BOT_BOTTLE_CANARY: "c" },
    tokens: { EGRESS_TOKEN_1: "t" },
    canary: "c",
    agentFiles: [],
  });
  assert.deepEqual(values, {
    BOT_BOTTLE_CANARY: "c",
    EGRESS_TOKEN_1: "t",
    EGRESS_KNOWN_SECRET_1: "hunter2-db-password",
  });
});
