/**
 * smolmachines' docker side on a real engine. smolvm cannot run here, so the machine is the
 * strict fake's; the sidecar is real: built from this checkout, its ports published on the
 * bottle's loopback alias, its daemons listening on the egress network where those ports
 * deliver. From the host's side of the alias (where the machine's TSI egress lands) the proxy
 * must answer, and docker must publish nothing on any other address.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { dockerSidecarHost } from "../../backends/docker/mod.ts";
import { loopbackAlias, smolmachinesBackend } from "../../backends/smolmachines/mod.ts";
import { SIDECAR_PORTS } from "../../core/sidecar_contract/mod.ts";
import { sidecarImageRecipe } from "../../src/images/mod.ts";
import { launchBottle } from "../../src/launch/mod.ts";
import { homePaths } from "../../src/paths/mod.ts";
import { buildPlan, demoAgent } from "../../src/plan/mod.ts";
import { installFakeSmolvm } from "../fakes/smolvm_fake.ts";
import { dockerOk, startWorld } from "./_harness/mod.ts";

Deno.test("smolmachines on docker: the sidecar answers on the bottle's alias and nowhere else", async () => {
  await using world = await startWorld("smolvm");
  const fake = await installFakeSmolvm();
  const backend = smolmachinesBackend({
    cli: fake.cli,
    sidecars: dockerSidecarHost(),
    runDir: join(fake.dir, "run"),
  });
  // Its own egress network: docker publishes no port of a container on internal networks only.
  const { BOT_BOTTLE_EGRESS_NETWORK: _internal, ...hostEnv } = world.cliEnv;
  const slug = `smol-${crypto.randomUUID().slice(0, 6)}`;
  world.track(slug);
  const paths = homePaths({ BOT_BOTTLE_HOME: world.home });
  const plan = buildPlan(demoAgent(), {
    slug,
    label: "smol",
    cwd: "/w",
    paths,
    hostEnv,
  });
  const canary = `bot-bottle-canary-${crypto.randomUUID().replaceAll("-", "")}`;
  try {
    await launchBottle(plan, {
      agentEnv: { BOT_BOTTLE_CANARY: canary },
      tokens: {},
      canary,
      agentFiles: [],
    }, {
      backend,
      progress: () => {},
      recipes: async (p) => ({
        agent: { needsBuild: false, tag: hostEnv.BOT_BOTTLE_AGENT_BASE_IMAGE!, role: "agent" },
        sidecar: await sidecarImageRecipe({
          baseImage: hostEnv.BOT_BOTTLE_SIDECAR_BASE_IMAGE!,
          cacheDir: p.paths.cache,
        }),
      }),
    });
    const alias = loopbackAlias(slug);
    const bindings = await dockerOk(["port", `bot-bottle-sidecars-${slug}`]);
    const published = bindings.split("\n").filter((line) => line !== "").sort();
    assert.deepEqual(
      published,
      Object.values(SIDECAR_PORTS).map((port) => `${port}/tcp -> ${alias}:${port}`).sort(),
    );
    assert.equal(await proxyAnswers(alias), "200", "the proxy answers on the alias");
  } finally {
    await backend.stop(slug);
    for (const dir of [paths.stateDir(slug), paths.queueDir(slug)]) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
    await fake.remove();
  }
});

/** What the egress proxy answers through the alias, retried while the daemons start. */
async function proxyAnswers(alias: string): Promise<string> {
  const args = [
    "--silent",
    "--max-time",
    "2",
    "--output",
    "/dev/null",
    "--write-out",
    "%{http_code}",
    "--proxy",
    `http://${alias}:${SIDECAR_PORTS.egress}`,
    "http://_egress.local/allowlist",
  ];
  let last = "";
  for (let tries = 0; tries < 100; tries++) {
    const out = await new Deno.Command("curl", { args, stdout: "piped", stderr: "null" }).output();
    last = new TextDecoder().decode(out.stdout).trim();
    if (last === "200") return last;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return last;
}
