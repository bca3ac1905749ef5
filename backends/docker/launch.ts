/**
 * Launching a bottle on Docker (SPEC §5): images, networks, the sidecar, then the agent, the CA
 * installed in the agent's trust store, and the isolation self-test. Everything is created with
 * the bottle's label; on any failure what this launch created is removed (by name, not by label:
 * another bottle on the engine may carry the same slug) before the error is rethrown.
 */
import { agentImageRecipe, ensureDockerImage, sidecarImageRecipe } from "../../src/images/mod.ts";
import {
  assertSelfTest,
  parseSelfTest,
  SELF_TEST_TIMEOUT_MS,
  selfTestArgv,
} from "../../src/self_test/mod.ts";
import { ConfigError } from "../../core/errors/mod.ts";
import { writeSidecarFiles } from "../../src/sidecar_files/mod.ts";
import type { BottlePlan, LaunchedBottle, LaunchSecrets, Progress } from "../types.ts";
import {
  agentRunArgs,
  egressNetworkArgs,
  internalNetworkArgs,
  PROXY_URL,
  sidecarConnectArgs,
  sidecarCreateArgs,
} from "./_argv.ts";
import { docker, DockerError } from "./_docker.ts";
import { bottleNames, SIDECAR_HOST } from "./_names.ts";
import { gvisorRuntime } from "./_runtime.ts";
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
 * @throws {ConfigError} When a file the sidecar needs (a git-gate key, the upstream CA) is
 *   unusable, or the host user has no numeric ids.
 * @throws {SelfTestError} When isolation is not effective (the agent never ran).
 */
export async function launch(
  plan: BottlePlan,
  secrets: LaunchSecrets,
  progress: Progress,
): Promise<LaunchedBottle> {
  const names = bottleNames(plan.slug);
  const created: Created[] = [];
  try {
    const { uid, gid } = hostIds(plan.bottle);
    await writeSidecarFiles(plan, { sidecarHost: SIDECAR_HOST, uid, gid });
    const images = await buildImages(plan, progress);
    progress("creating networks");
    await docker(internalNetworkArgs(plan, names));
    created.push({ kind: "network", name: names.internal });
    const egressNetwork = plan.egressNetwork ?? names.egress;
    if (plan.egressNetwork === undefined) {
      await docker(egressNetworkArgs(plan, names));
      created.push({ kind: "network", name: names.egress });
    }
    progress("starting the sidecar");
    await docker(
      sidecarCreateArgs(plan, names, {
        image: images.sidecar,
        internalSubnet: await subnetOf(names.internal),
        user: `${uid}:${gid}`,
      }),
      { secrets: { BOT_BOTTLE_CANARY: secrets.canary, ...secrets.tokens } },
    );
    created.push({ kind: "container", name: names.sidecar });
    await docker(sidecarConnectArgs(names, egressNetwork));
    await docker(["start", names.sidecar]);
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
    created.push({ kind: "container", name: names.agent });
    await checkAgentUser(plan.slug);
    await installCa(plan.slug);
    await waitForProxy(plan.slug, names.sidecar);
    progress("running the isolation self-test");
    // Besides the configured targets, addresses known to answer from outside the bottle: the
    // egress network's gateway (the host) and the sidecar's own egress-side address.
    const targets = {
      tcp: [
        ...plan.selfTest.tcp,
        `${await gatewayOf(egressNetwork)}:9`,
        `${await addressOn(names.sidecar, egressNetwork)}:9099`,
      ],
      dns: plan.selfTest.dns,
    };
    const probes = selfTestArgv(targets, { proxyUrl: PROXY_URL });
    const result = await execInAgent(plan.slug, probes, {
      tty: false,
      capture: true,
      timeoutMs: SELF_TEST_TIMEOUT_MS,
    });
    assertSelfTest(parseSelfTest(result, targets));
    return { slug: plan.slug, created: created.map((c) => c.name) };
  } catch (err) {
    // Only what this launch created: another bottle may carry the same slug on this engine.
    await removeCreated(created);
    throw err;
  }
}

/** The sidecar runs as the host user, so it can read the 0600 files the CLI wrote. */
function hostIds(bottle: string): { uid: number; gid: number } {
  const uid = Deno.uid();
  const gid = Deno.gid();
  if (uid === null || gid === null) {
    throw new ConfigError(
      `Cannot start bottle "${bottle}": this host has no numeric user and group id to run the ` +
        "sidecar as",
    );
  }
  return { uid, gid };
}

/** Something a launch created, to be removed if the launch fails. */
interface Created {
  /** What it is. */
  kind: "network" | "container";
  /** Its name. */
  name: string;
}

async function removeCreated(created: readonly Created[]): Promise<void> {
  for (const item of [...created].reverse()) {
    const args = item.kind === "container"
      ? ["rm", "--force", "--volumes", item.name]
      : ["network", "rm", item.name];
    await docker(args, { allowFailure: true });
  }
}

async function subnetOf(network: string): Promise<string> {
  const { stdout } = await docker([
    "network",
    "inspect",
    "--format",
    "{{ (index .IPAM.Config 0).Subnet }}",
    network,
  ]);
  return stdout.trim();
}

async function gatewayOf(network: string): Promise<string> {
  const { stdout } = await docker([
    "network",
    "inspect",
    "--format",
    "{{ range .IPAM.Config }}{{ .Gateway }}{{ end }}",
    network,
  ]);
  const gateway = stdout.trim();
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(gateway)) {
    throw new DockerError(["network", "inspect", network], {
      code: 0,
      stderr: `network ${network} has no IPv4 gateway to probe (got "${gateway}")`,
    });
  }
  return gateway;
}

/** The agent must not run as root, whatever the image says (SPEC §7). */
async function checkAgentUser(slug: string): Promise<void> {
  const result = await execInAgent(slug, ["id", "-u"], {
    tty: false,
    capture: true,
    timeoutMs: 10_000,
  });
  const uid = result.stdout.trim();
  if (result.code !== 0 || !/^\d+$/.test(uid) || uid === "0") {
    throw new DockerError(["exec", "id -u"], {
      code: result.code,
      stderr: `the agent image must have a non-root user "agent" (got uid "${uid}"): ` +
        result.stderr.trim(),
    });
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
