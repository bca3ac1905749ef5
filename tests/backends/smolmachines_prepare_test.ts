/**
 * What a smolmachines launch asks smolvm and docker for, as its dry run shows it: the machine's
 * egress limited to the bottle's alias, secrets by file path only, commands as the agent user
 * through `sh -c`, the sidecar's ports on the alias.
 */
import assert from "node:assert/strict";
import { MemoryBackend } from "../../backends/memory/mod.ts";
import { loopbackAlias, smolmachinesBackend } from "../../backends/smolmachines/mod.ts";
import { launchSpec } from "../../src/launch/mod.ts";
import { simulatedAgent } from "../../src/launch/testing/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { memorySidecarHost } from "../fakes/memory_sidecar_host.ts";

const backend = smolmachinesBackend({
  cli: "smolvm",
  sidecars: memorySidecarHost(new MemoryBackend({ agent: simulatedAgent() })),
  runDir: "/run/bb",
});

function steps(): Map<string, string[]> {
  const agent = demoAgent();
  agent.bottle.env = { GREETING: { kind: "literal", value: "hello-literal" } };
  const plan = buildPlan(agent, {
    slug: "dev-abc123",
    label: "dev",
    cwd: "/w",
    paths: homePaths({ BOT_BOTTLE_HOME: "/tmp/bb-home" }),
    hostEnv: {},
    command: ["claude", "--help"],
  });
  const prepared = backend.prepare(launchSpec(plan, backend.superviseUrl("dev")));
  assert.equal(prepared.backend, "smolmachines");
  return new Map(prepared.steps.map((s) => [s.title, s.argv]));
}

function values(argv: readonly string[], flag: string): string[] {
  return argv.flatMap((arg, i) => arg === flag ? [argv[i + 1] ?? ""] : []);
}

Deno.test("smolmachines prepare(): the machine's only egress is the bottle's alias", () => {
  const alias = loopbackAlias("dev-abc123");
  assert.match(alias, /^127\.77\.\d{1,3}\.\d{1,3}$/);
  const create = steps().get("create the agent's machine (egress only to the sidecar's alias)")!;
  assert.deepEqual(create.slice(0, 5), [
    "smolvm",
    "machine",
    "create",
    "--name",
    "bot-bottle-vm-dev-abc123",
  ]);
  assert.deepEqual(values(create, "--allow-cidr"), [`${alias}/32`]);
  assert.deepEqual(values(create, "--dns"), [alias]);
  assert.ok(!create.includes("--allow-host") && !create.includes("--port"));
  assert.ok(values(create, "--label").includes("bot-bottle.slug=dev-abc123"));
  const sidecar = [...steps().values()].find((argv) => argv.some((a) => a.startsWith("--publish")));
  assert.ok(sidecar?.includes(`--publish=${alias}`), "the sidecar is published on the alias");
});

Deno.test("smolmachines prepare(): secrets travel as file paths, never as values", () => {
  const create = steps().get("create the agent's machine (egress only to the sidecar's alias)")!;
  assert.deepEqual(values(create, "--secret-file").sort(), [
    "BOT_BOTTLE_CANARY=/run/bb/bottles/dev-abc123/secrets/BOT_BOTTLE_CANARY",
    "GREETING=/run/bb/bottles/dev-abc123/secrets/GREETING",
  ]);
  assert.ok(!create.join(" ").includes("hello-literal"));
  assert.ok(!values(create, "--env").some((kv) => kv.startsWith("GREETING=")));
});

Deno.test("smolmachines prepare(): commands run as the agent through sh -c, setup as root", () => {
  const all = steps();
  const run = all.get("run the agent command")!;
  assert.deepEqual(values(run, "--user"), ["agent"]);
  assert.deepEqual(run.slice(run.indexOf("--")), ["--", "claude", "--help"]);
  const setup = all.get("set it up as root")!;
  assert.deepEqual(values(setup, "--user"), ["root"]);
  assert.deepEqual(setup.slice(setup.indexOf("--") + 1, setup.indexOf("--") + 3), ["sh", "-c"]);
  assert.ok(![...all.values()].flat().includes("-lc"), "never a login shell");
});
