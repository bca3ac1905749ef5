/**
 * Launching a bottle on Docker (SPEC §5): images, networks, the sidecar, then the agent, the CA
 * installed in the agent's trust store, and the isolation self-test. Everything is created with
 * the bottle's label; on any failure the bottle is torn down by that label before the error is
 * rethrown, so a failed launch leaves nothing behind.
 */
import { agentImageRecipe, ensureDockerImage, sidecarImageRecipe } from "../../src/images/mod.ts";
import {
  assertSelfTest,
  parseSelfTest,
  SELF_TEST_TIMEOUT_MS,
  selfTestArgv,
} from "../../src/self_test/mod.ts";
import { writeSidecarFiles } from "../../src/sidecar_files/mod.ts";
import type { BottlePlan, LaunchedBottle, LaunchSecrets, Progress } from "../types.ts";
import {
  agentRunArgs,
  egressNetworkArgs,
  internalNetworkArgs,
  PROXY_URL,
  sidecarConnectArgs,
  sidecarRunArgs,
} from "./_argv.ts";
import { docker, DockerError } from "./_docker.ts";
import { bottleNames } from "./_names.ts";
import { gvisorRuntime } from "./_runtime.ts";
import { teardown } from "./cleanup.ts";
import { execInAgent } from "./exec.ts";

/** How long the sidecar may take to answer through the proxy. */
const SIDECAR_READY_MS = 30_000;

/**
 * Launch a bottle.
 *
 * @param plan The bottle plan.
 * @param secrets Values for the bare `-e NAME` arguments.
 * @param progress Receives progress lines.
 * @returns What was created.
 * @throws {DockerError} When a docker step fails.
 * @throws {SelfTestError} When isolation is not effective (the agent never ran).
 */
export async function launch(
  plan: BottlePlan,
  secrets: LaunchSecrets,
  progress: Progress,
): Promise<LaunchedBottle> {
  const names = bottleNames(plan.slug);
  const created: string[] = [];
  try {
    await writeSidecarFiles(plan);
    const images = await buildImages(plan, progress);
    progress("creating networks");
    await docker(internalNetworkArgs(plan, names));
    created.push(names.internal);
    if (plan.egressNetwork === undefined) {
      await docker(egressNetworkArgs(plan, names));
      created.push(names.egress);
    }
    progress("starting the sidecar");
    await docker(
      sidecarRunArgs(plan, names, {
        image: images.sidecar,
        egressNetwork: plan.egressNetwork ?? names.egress,
        user: `${Deno.uid()}:${Deno.gid()}`,
      }),
      { secrets: { BOT_BOTTLE_CANARY: secrets.canary, ...secrets.tokens } },
    );
    created.push(names.sidecar);
    await docker(sidecarConnectArgs(names));
    const sidecarIp = await addressOn(names.sidecar, names.internal);
    progress("starting the agent");
    const runtime = await gvisorRuntime();
    await docker(
      agentRunArgs(plan, names, {
        image: images.agent,
        sidecarIp,
        ...(runtime === undefined ? {} : { runtime }),
      }),
      { secrets: secrets.agentEnv },
    );
    created.push(names.agent);
    await installCa(plan.slug);
    await waitForProxy(plan.slug, names.sidecar);
    progress("running the isolation self-test");
    const probes = selfTestArgv(plan.selfTest, { proxyUrl: PROXY_URL });
    const result = await execInAgent(plan.slug, probes, {
      tty: false,
      capture: true,
      timeoutMs: SELF_TEST_TIMEOUT_MS,
    });
    assertSelfTest(parseSelfTest(result, plan.selfTest));
    return { slug: plan.slug, created };
  } catch (err) {
    await teardown(plan.slug);
    throw err;
  }
}

async function buildImages(
  plan: BottlePlan,
  progress: Progress,
): Promise<{ agent: string; sidecar: string }> {
  const agentRecipe = await agentImageRecipe(plan.image, {
    ...(plan.baseImages.agent === undefined ? {} : { baseImage: plan.baseImages.agent }),
  });
  const sidecarRecipe = await sidecarImageRecipe({
    ...(plan.baseImages.sidecar === undefined ? {} : { baseImage: plan.baseImages.sidecar }),
    cacheDir: plan.paths.cache,
  });
  const agent = await ensureDockerImage(agentRecipe, { progress });
  const sidecar = await ensureDockerImage(sidecarRecipe, { progress });
  return { agent: agent.tag, sidecar: sidecar.tag };
}

async function addressOn(container: string, network: string): Promise<string> {
  const { stdout } = await docker([
    "inspect",
    "--format",
    `{{ (index .NetworkSettings.Networks "${network}").IPAddress }}`,
    container,
  ]);
  const ip = stdout.trim();
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    throw new DockerError(["inspect", container], {
      code: 0,
      stderr: `no IPv4 address on network ${network} (got "${ip}")`,
    });
  }
  return ip;
}

/** Put the bottle CA in the agent's system trust store (as root; the agent user cannot). */
async function installCa(slug: string): Promise<void> {
  const script = "cp /etc/bot-bottle/ca/ca.pem /usr/local/share/ca-certificates/bot-bottle.crt" +
    " && update-ca-certificates >/dev/null";
  const result = await execInAgent(slug, ["sh", "-c", script], {
    tty: false,
    user: "root",
    capture: true,
    timeoutMs: 30_000,
  });
  if (result.code !== 0) {
    throw new DockerError(["exec", "update-ca-certificates"], {
      code: result.code,
      stderr: `installing the bottle CA in the agent image failed (it needs ` +
        `update-ca-certificates): ${result.stderr.trim()}`,
    });
  }
}

/** Wait until the agent gets an answer from the proxy; fail early when the sidecar died. */
async function waitForProxy(slug: string, sidecar: string): Promise<void> {
  const deadline = Date.now() + SIDECAR_READY_MS;
  const probe = [
    "curl",
    "--silent",
    "--max-time",
    "2",
    "--output",
    "/dev/null",
    "--write-out",
    "%{http_code}",
    "--proxy",
    PROXY_URL,
    "http://_egress.local/allowlist",
  ];
  while (true) {
    const result = await execInAgent(slug, probe, { tty: false, capture: true, timeoutMs: 5_000 });
    if (result.stdout.trim() === "200") return;
    const state = await docker(["inspect", "--format", "{{.State.Status}}", sidecar]);
    if (state.stdout.trim() !== "running" || Date.now() > deadline) {
      const logs = await docker(["logs", "--tail", "20", sidecar], { allowFailure: true });
      throw new DockerError(["start", sidecar], {
        code: 1,
        stderr: `the sidecar is ${state.stdout.trim()} and its proxy does not answer; its last ` +
          `log lines:\n${(logs.stdout + logs.stderr).trim()}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
