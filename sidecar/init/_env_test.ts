import assert from "node:assert/strict";
import { availableDaemon } from "./_daemons.ts";
import { daemonEnv } from "./_env.ts";

const PARENT = {
  PATH: "/usr/bin:/bin",
  HOME: "/root",
  DENO_DIR: "/deno-dir",
  DENO_AUTH_TOKENS: "secret@registry.example",
  BOT_BOTTLE_SIDECAR_DAEMONS: "egress",
  BOT_BOTTLE_EGRESS_ROUTES: "/state/egress/routes.yaml",
  BOT_BOTTLE_CANARY: "canary-value",
  EGRESS_TOKEN_0: "ghp_real",
  EGRESS_KNOWN_SECRET_1: "the-agents-db-password",
  EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "60",
  SECRET_X: "parent-only",
  AWS_SECRET_ACCESS_KEY: "aws",
  LD_PRELOAD: "/tmp/evil.so",
  UNSET: undefined,
};
const EGRESS = availableDaemon("egress").env;
const NOTHING = { names: [], prefixes: [] };

Deno.test("daemonEnv() gives egress its tokens, known secrets, the canary and the common allowlist only", () => {
  assert.deepEqual(daemonEnv(PARENT, EGRESS), {
    PATH: "/usr/bin:/bin",
    HOME: "/root",
    DENO_DIR: "/deno-dir",
    BOT_BOTTLE_SIDECAR_DAEMONS: "egress",
    BOT_BOTTLE_EGRESS_ROUTES: "/state/egress/routes.yaml",
    BOT_BOTTLE_CANARY: "canary-value",
    EGRESS_TOKEN_0: "ghp_real",
    EGRESS_KNOWN_SECRET_1: "the-agents-db-password",
    EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS: "60",
  });
});

Deno.test("daemonEnv() keeps tokens and the canary from a daemon without that grant", () => {
  const env = daemonEnv(PARENT, NOTHING);
  assert.equal(env.EGRESS_TOKEN_0, undefined);
  assert.equal(env.EGRESS_KNOWN_SECRET_1, undefined);
  assert.equal(env.BOT_BOTTLE_CANARY, undefined);
  assert.equal(env.BOT_BOTTLE_SIDECAR_DAEMONS, "egress");
  assert.equal(env.PATH, "/usr/bin:/bin");
});

Deno.test("daemonEnv() passes no unlisted parent variable to any daemon", () => {
  for (const grant of [EGRESS, NOTHING]) {
    const env = daemonEnv(PARENT, grant);
    for (const name of ["SECRET_X", "AWS_SECRET_ACCESS_KEY", "DENO_AUTH_TOKENS", "LD_PRELOAD"]) {
      assert.equal(name in env, false, `${name} leaked`);
    }
    assert.equal("UNSET" in env, false);
  }
});

Deno.test("daemonEnv() matches grant prefixes at the start of the name only", () => {
  const env = daemonEnv({ MY_EGRESS_TOKEN_0: "x", EGRESS_TOKEN_: "y" }, EGRESS);
  assert.deepEqual(env, { EGRESS_TOKEN_: "y" });
});
