import assert from "node:assert/strict";
import { homePaths } from "../paths/mod.ts";
import { buildPlan, demoAgent } from "../plan/mod.ts";
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
    "docker",
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
    },
  });
  const text = preflightText(demoAgent(), lab, "docker");
  assert.match(
    text,
    /connect-to: +example\.com:443=172\.30\.0\.2:443 {2}\(no private-address check\)/,
  );
  assert.match(text, /upstream CA: +\/tmp\/lab-ca\.pem {2}\(also trusted for upstream TLS\)/);
  assert.match(text, /egress network: +lab-net/);
  assert.match(text, /no DNS for outside\.test/);
});
