/**
 * The parity test of SPEC §5: every shipped backend prepares the same plan fixtures, and the
 * promises that do not depend on the backend hold for each: preparing is pure, no secret value,
 * host variable name or git-gate key reaches an argv, and every container and network carries
 * the slug.
 */
import assert from "node:assert/strict";
import { homePaths } from "../src/paths/mod.ts";
import { type BottlePlan, buildPlan, demoAgent } from "../src/plan/mod.ts";
import { shippedBackends } from "./mod.ts";

const paths = homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-parity" });

function fixtures(): BottlePlan[] {
  const demo = buildPlan(demoAgent(), {
    slug: "demo-000001",
    label: "demo",
    cwd: "/w",
    paths,
    hostEnv: {},
  });
  const withSecrets = demoAgent();
  withSecrets.bottle.env = {
    SECRET_LITERAL: { kind: "literal", value: "literal-value-7f3a" },
    FROM_HOST: { kind: "host", name: "HOST_SECRET_VAR" },
  };
  withSecrets.bottle.egress.routes.push({
    host: "api.test",
    auth: { scheme: "Bearer", token_ref: "HOST_TOKEN_VAR" },
    outbound_on_match: "block",
    allow_private: false,
  });
  const secret = buildPlan(withSecrets, {
    slug: "dev-000002",
    label: "review-bot",
    cwd: "/w",
    paths,
    hostEnv: { BOT_BOTTLE_EGRESS_NETWORK: "lab-net" },
    command: ["sh", "-c", "echo $((1+1)); rm -rf / # not a shell string for the engine"],
  });
  const withRepos = demoAgent();
  withRepos.bottle.supervise = true;
  withRepos.bottle.gitGate.repos = {
    app: {
      name: "app",
      url: "ssh://git@git.test:2222/org/app.git",
      user: "git",
      host: "git.test",
      port: 2222,
      path: "org/app.git",
      hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
      key: { provider: "static", path: "/home/u/.ssh/parity_deploy_key" },
      extraHosts: { "git.test": "10.9.0.2" },
    },
  };
  withRepos.gitUser = { name: { value: "Parity Bot", from: "/a.md" } };
  const repos = buildPlan(withRepos, {
    slug: "git-000003",
    label: "git",
    cwd: "/w",
    paths,
    hostEnv: { SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: "5" },
  });
  return [demo, secret, repos];
}

for (const backend of shippedBackends()) {
  Deno.test(`${backend.name}: prepare() is pure and deterministic`, () => {
    for (const plan of fixtures()) {
      assert.deepEqual(backend.prepare(plan), backend.prepare(plan));
    }
  });

  Deno.test(`${backend.name}: prepare() puts no secret value or host variable on argv`, () => {
    for (const plan of fixtures()) {
      const argv = backend.prepare(plan).steps.flatMap((s) => s.argv).join("\n");
      // A git-gate key is copied into the gate's config directory; neither its host path nor
      // its content is any backend's business on argv.
      for (
        const leak of [
          "literal-value-7f3a",
          "HOST_SECRET_VAR",
          "HOST_TOKEN_VAR",
          "parity_deploy_key",
          "PRIVATE KEY",
        ]
      ) {
        assert.ok(!argv.includes(leak), `${leak} appears in ${backend.name}'s argv`);
      }
    }
  });

  Deno.test(`${backend.name}: prepare() passes the agent command as one argv element each`, () => {
    const plan = fixtures()[1]!;
    const last = backend.prepare(plan).steps.at(-1)!.argv;
    assert.deepEqual(last.slice(-plan.command.length), plan.command);
  });

  Deno.test(`${backend.name}: prepare() labels every object it creates with the slug`, () => {
    for (const plan of fixtures()) {
      const creating = backend.prepare(plan).steps.filter((s) =>
        s.argv.includes("run") || s.argv.includes("create")
      );
      assert.ok(creating.length >= 3);
      for (const step of creating) {
        assert.ok(step.argv.includes(`bot-bottle.slug=${plan.slug}`), step.title);
      }
    }
  });
}
