// deno-lint-ignore-file no-console -- a benchmark prints its results
/**
 * Provider bottles on Docker (issue 13): how long the claude and codex images take to build cold
 * (npm install of the pinned CLI; no layer cache) and warm (the content tag exists), and how long
 * `bot-bottle start` takes until the agent's first request reaches the model API, next to a
 * `shell` bottle's start to its first request on the same test internet (the baseline: what the
 * provider adds is its image's size, its first-run setup and the CLI's own start). Needs Docker,
 * the offline base images and npm's registry reachable from image builds:
 *
 *     deno task bench:providers [rounds]
 *
 * Model requests go to the fake APIs of the e2e test internet (tests/e2e/_harness), never out.
 *
 * @module
 */
import { ensureDockerImage } from "../../backends/docker/mod.ts";
import { agentImageRecipe } from "../../src/images/mod.ts";
import { providerLaunch } from "../../src/plan/mod.ts";
import { runCli, startWorld, type World, writeAgent, writeBottle } from "../e2e/_harness/mod.ts";
import { TASK_ONE } from "../e2e/_harness/_fake_models.ts";

const ROUNDS = Number(Deno.args[0] ?? 2);
/** The host's trust store: builds reach npm through its TLS-inspecting proxy here. */
const BUILD_CA = "/etc/ssl/certs/ca-certificates.crt";

type Template = "claude" | "codex" | "shell";

const HOSTS: Record<Template, string> = {
  claude: "api.anthropic.com",
  codex: "api.openai.com",
  shell: "api.openai.com",
};

/** The command each bottle runs: one request to its model API. */
function command(template: Template): string[] {
  const task = `${TASK_ONE} bench`;
  if (template === "claude") {
    return [...providerLaunch("claude").command({ prompt: false, resume: false }), "-p", task];
  }
  if (template === "codex") {
    return ["codex", "exec", "--dangerously-bypass-approvals-and-sandbox", task];
  }
  return [
    "curl",
    "-s",
    "-o",
    "/dev/null",
    "-X",
    "POST",
    "-d",
    "{}",
    `https://${HOSTS.shell}/v1/responses`,
  ];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function median(samples: number[]): number {
  return [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
}

/**
 * Cold: the recipe with a unique label first in its install stage, so no cached layer from an
 * earlier build applies to the npm install (the image is removed afterwards). Warm: the product's
 * recipe, whose content tag exists once built.
 */
async function buildTimes(world: World, template: "claude" | "codex") {
  const recipe = await agentImageRecipe(
    { kind: "provider", template, dockerfile: providerLaunch(template).dockerfile },
    { baseImage: world.nodeImage, buildCaFile: BUILD_CA },
  );
  if (!recipe.needsBuild || recipe.context.kind !== "files") throw new Error("a provider recipe");
  const files = new Map(recipe.context.files);
  const dockerfile = new TextDecoder().decode(files.get("Dockerfile"));
  const busted = dockerfile.replace(
    /^(FROM \S+ AS install)$/m,
    `$1\nLABEL bot-bottle.bench-cold="${crypto.randomUUID()}"`,
  );
  files.set("Dockerfile", new TextEncoder().encode(busted));
  const cold = { ...recipe, tag: `${recipe.tag}-cold`, context: { kind: "files" as const, files } };
  const t0 = performance.now();
  await ensureDockerImage(cold, { progress: () => {} });
  const t1 = performance.now();
  await new Deno.Command("docker", { args: ["rmi", cold.tag], stdout: "null", stderr: "null" })
    .output();
  await ensureDockerImage(recipe, { progress: () => {} });
  const t2 = performance.now();
  const warm = await ensureDockerImage(recipe, { progress: () => {} });
  const t3 = performance.now();
  if (warm.built) throw new Error(`${template}: the warm image was built again`);
  const size = new TextDecoder().decode(
    (await new Deno.Command("docker", {
      args: ["image", "inspect", "--format", "{{.Size}}", recipe.tag],
    }).output()).stdout,
  );
  return { cold: t1 - t0, warm: t3 - t2, mb: Number(size) / 1e6 };
}

async function firstRequest(world: World, template: Template): Promise<number> {
  const agent = `bench-${template}`;
  await writeBottle(world, agent, {
    agent_provider: template === "shell" ? { template } : { template, auth_token: "BENCH_TOKEN" },
    supervise: true,
    ...(template === "shell"
      ? {
        egress: {
          routes: [{ host: HOSTS.shell, auth: { scheme: "Bearer", token_ref: "BENCH_TOKEN" } }],
        },
      }
      : {}),
  });
  await writeAgent(world, agent, { bottle: agent });
  const env = {
    BENCH_TOKEN: `bench-token-${crypto.randomUUID()}`,
    BOT_BOTTLE_AGENT_BASE_IMAGE: template === "shell"
      ? world.cliEnv.BOT_BOTTLE_AGENT_BASE_IMAGE!
      : world.nodeImage,
    BOT_BOTTLE_BUILD_CA_FILE: BUILD_CA,
    BOT_BOTTLE_EGRESS_CONNECT_TO: `${world.cliEnv.BOT_BOTTLE_EGRESS_CONNECT_TO},` +
      `${HOSTS[template]}:443=${world.upstreamIp}:443`,
  };
  const before = (await world.modelRequests()).length;
  const t0 = Date.now();
  const result = await runCli(world, [
    "start",
    agent,
    "--yes",
    "--no-cwd",
    "--",
    ...command(template),
  ], {
    env,
    timeoutMs: 10 * 60_000,
  });
  if (result.code !== 0) throw new Error(`${agent}: exit ${result.code}\n${result.stderr}`);
  const first = (await world.modelRequests()).slice(before)[0];
  if (first === undefined) throw new Error(`${agent}: no request reached the fake API`);
  return first.at - t0;
}

/** Both tables, on one test internet. */
async function main(): Promise<void> {
  await using world = await startWorld("bench-providers");
  console.log(`provider bottles (Docker; ${ROUNDS} rounds of start → first model request)\n`);
  console.log("image build         cold (npm install)   warm (tag exists)   image size");
  for (const template of ["claude", "codex"] as const) {
    const b = await buildTimes(world, template);
    console.log(
      `${template.padEnd(20)}${seconds(b.cold).padEnd(21)}${seconds(b.warm).padEnd(20)}${
        b.mb.toFixed(0)
      } MB`,
    );
  }
  console.log("\nstart → first model request (images warm)   median      rounds");
  for (const template of ["shell", "claude", "codex"] as const) {
    const samples: number[] = [];
    for (let i = 0; i < ROUNDS; i++) samples.push(await firstRequest(world, template));
    const label = template === "shell" ? "shell + curl (baseline)" : template;
    console.log(
      `${label.padEnd(44)}${seconds(median(samples)).padEnd(12)}${samples.map(seconds).join(", ")}`,
    );
  }
}

await main();
