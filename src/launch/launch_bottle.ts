/**
 * Launching a bottle (SPEC §5), the same sequence on every backend: the sidecar's files, the
 * images, the networks, the sidecar, then the agent, its provisioning and the isolation
 * self-test. Steps that need nothing of each other overlap (the files, the images and the
 * networks; the user check, the CA install and the self-test with each other). Each backend
 * supplies the primitives; every object a primitive creates is recorded the moment it exists,
 * and on any failure what this launch created is removed, newest first, before the error is
 * rethrown.
 */
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import type {
  Backend,
  CreatedObject,
  ImageRecipe,
  LaunchStep,
  Progress,
} from "../../backends/mod.ts";
import { agentImageRecipe, sidecarImageRecipe } from "../images/mod.ts";
import type { BottlePlan, LaunchSecrets } from "../plan/mod.ts";
import {
  assertSelfTest,
  parseSelfTest,
  SELF_TEST_TIMEOUT_MS,
  selfTestArgv,
  selfTestStdin,
} from "../self_test/mod.ts";
import { writeSidecarFiles } from "../sidecar_files/mod.ts";
import { proxyUrl } from "../../core/sidecar_contract/mod.ts";
import {
  checkAgentUser,
  installCa,
  proxyFailure,
  SIDECAR_READY_MS,
  waitForDaemons,
} from "./_provision.ts";
import { agentSpec, networkSpec, sidecarSecrets, sidecarSpec } from "./_specs.ts";
import { copyWorkspace, restoreWorkspace } from "./_workspace.ts";
import { setupProvider } from "./_provider_setup.ts";

/** The recipes of a bottle's two images. */
export interface BottleRecipes {
  /** The agent image. */
  agent: ImageRecipe;
  /** The sidecar image. */
  sidecar: ImageRecipe;
}

/** Options of {@link launchBottle}. */
export interface LaunchOptions {
  /** The backend whose primitives run the bottle. */
  backend: Backend;
  /** Receives progress lines. */
  progress: Progress;
  /** The image recipes (defaults to the plan's; tests that use no engine pass their own). */
  recipes?: (plan: BottlePlan) => Promise<BottleRecipes>;
  /** The host user the sidecar runs as (defaults to this process's uid and gid). */
  user?: { uid: number; gid: number };
}

/** What a launch produced. */
export interface LaunchedBottle {
  /** The slug. */
  slug: string;
  /** The names of what the backend created, in creation order. */
  created: string[];
}

/**
 * Launch a bottle.
 *
 * @param plan The bottle plan.
 * @param secrets The values of the secret variables.
 * @param options The backend, progress and overrides.
 * @returns What was created.
 * @throws {ConfigError} When a file the sidecar needs (a git-gate key, the upstream CA) is
 *   unusable, or the host user has no numeric ids.
 * @throws {LaunchError} When the agent image or the sidecar is unfit (root user, no CA tools,
 *   no proxy answer).
 * @throws {SelfTestError} When isolation is not effective (the agent command never ran).
 * @throws {Error} What a backend primitive threw.
 */
export async function launchBottle(
  plan: BottlePlan,
  secrets: LaunchSecrets,
  options: LaunchOptions,
): Promise<LaunchedBottle> {
  const { backend, progress } = options;
  const created: CreatedObject[] = [];
  const step: LaunchStep = {
    bottle: { slug: plan.slug, label: plan.label, agent: plan.agent },
    created: (object) => void created.push(object),
  };
  try {
    const user = options.user ?? hostIds(plan.bottle);
    // The sidecar's files (the CA minted), the images (the sidecar bundled, both checked or
    // built) and the networks need nothing of each other: all three at once. Should one fail,
    // the networks are removed below like anything else this launch made.
    const files = writeSidecarFiles(plan, user);
    const images = (async () => {
      const recipes = await (options.recipes ?? planRecipes)(plan);
      return await Promise.all([
        backend.ensureImage(recipes.agent, progress),
        backend.ensureImage(recipes.sidecar, progress),
      ]);
    })();
    progress("creating networks");
    const networking = backend.createNetworks(step, networkSpec(plan));
    await allOrFirstError([files, images, networking]);
    const [agentImage, sidecarImage] = await images;
    const networks = await networking;
    progress("starting the sidecar");
    const sidecarStarted = backend.startSidecar(
      step,
      sidecarSpec(plan, {
        image: sidecarImage,
        internalSubnet: networks.internalSubnet,
        user: `${user.uid}:${user.gid}`,
      }),
      { networks, secrets: sidecarSecrets(plan, secrets) },
    );
    // Where the self-test must find no route depends on the networks and the sidecar only:
    // learnt while the agent starts.
    const outside = sidecarStarted.then(() => backend.outsideAddresses(step.bottle, networks));
    // With the sidecar's address pinned by the networks, the agent starts alongside it: nothing
    // of the agent's runs before the self-test below, which waits for the sidecar's proxy.
    const pinned = networks.sidecarAddress;
    const agentStarted =
      (pinned === undefined ? sidecarStarted : Promise.resolve({ address: pinned }))
        .then((sidecar) => {
          progress("starting the agent");
          return backend.startAgent(
            step,
            agentSpec(plan, agentImage, backend.superviseUrl(plan.slug)),
            { sidecar, secrets: secrets.agentEnv },
          );
        });
    // Independent of each other, so concurrent: the user check, the CA install (root), the
    // self-test (which waits for the proxy, and for the targets the sidecar's start gives) and
    // the wait for the other daemons. The self-test's exec starts as the agent runs, so its own
    // start-up overlaps the sidecar's; the others gain nothing from starting before the sidecar
    // has (the self-test's TCP probes wait for it), and would take CPU from its start. Nothing
    // of the agent's runs until all have passed; every step is awaited before a failure is told,
    // so cleanup never races a running exec.
    const afterSidecar = (step: () => Promise<void>) => sidecarStarted.then(step);
    const checked = agentStarted.then(() =>
      allOrFirstError([
        afterSidecar(() => checkAgentUser(backend, plan.slug)),
        afterSidecar(() => installCa(backend, plan.slug)),
        selfTest(backend, plan, { outside, progress }),
        afterSidecar(() => waitForDaemons(backend, plan.slug, plan.daemons)),
      ])
    );
    await allOrFirstError([sidecarStarted, agentStarted, outside, checked]);
    // Only into a bottle that proved it is sealed.
    if (plan.workspace !== undefined) {
      progress(`copying ${plan.workspace} into the workspace`);
      await copyWorkspace(backend, plan.slug, plan.workspace);
    } else if (plan.workspaceArchive !== undefined) {
      progress("putting the saved workspace back");
      await restoreWorkspace(backend, plan.slug, plan.workspaceArchive);
    }
    // After the saved files are back: the first-run files are rewritten at every start.
    await setupProvider(backend, plan, secrets, progress);
    return { slug: plan.slug, created: created.map((c) => c.name) };
  } catch (err) {
    // Only what this launch created: another bottle may carry the same slug on this engine. A
    // removal that fails leaves the others to be tried; the launch's own error is what is told.
    for (const object of [...created].reverse()) {
      await backend.remove(object).catch((removal: unknown) => {
        progress(`could not remove ${object.kind} ${object.name}: ${messageOf(removal)}`);
      });
    }
    throw err;
  }
}

/**
 * Prove isolation from inside the agent (SPEC §1.3), as soon as the agent runs: the proxy probe
 * waits for a sidecar still starting, and the TCP targets follow on the exec's standard input
 * once the sidecar's start has given them, so the exec's own start overlaps the sidecar's. A
 * proxy that never answered is told with the sidecar's state and logs, unless a network probe
 * failed too: a reachable target is what matters then.
 */
async function selfTest(
  backend: Backend,
  plan: BottlePlan,
  context: { outside: Promise<readonly string[]>; progress: Progress },
): Promise<void> {
  context.progress("running the isolation self-test");
  const argv = selfTestArgv({ tcp: [], dns: plan.selfTest.dns }, {
    proxyUrl: proxyUrl(),
    proxyWaitMs: SIDECAR_READY_MS,
    tcpOnStdin: true,
  });
  const input = new TransformStream<Uint8Array, Uint8Array>();
  // Without the targets there is nothing to prove: the exec is given up, and the failure that
  // kept them (the sidecar's start, an inspect) is what the launch tells.
  const abandon = new AbortController();
  const running = backend.exec(plan.slug, argv, {
    tty: false,
    capture: true,
    stdin: input.readable,
    signal: abandon.signal,
    timeoutMs: SELF_TEST_TIMEOUT_MS + SIDECAR_READY_MS,
  });
  const writer = input.writable.getWriter();
  // An exec that ends first (it failed, or its tools check did) reads no more of its input: the
  // write must not wait for it. Awaited below, so a failure meanwhile is not unhandled either.
  running.finally(() => writer.abort()).catch(() => {});
  // Besides the configured targets, addresses known to answer from outside the bottle.
  const tcp = await feedTargets(writer, context.outside, plan.selfTest.tcp).catch(
    async (err: unknown) => {
      abandon.abort();
      await running.catch(() => {});
      throw err;
    },
  );
  const result = await running;
  const targets = { tcp, dns: plan.selfTest.dns };
  const report = parseSelfTest(result, targets);
  const failed = report.probes.filter((probe) => !probe.ok);
  if (failed.length === 1 && failed[0]!.name === "proxy") {
    throw await proxyFailure(backend, plan.slug, failed[0]!.detail);
  }
  assertSelfTest(report);
}

/** Write the TCP targets, once the outside addresses are known, and end the input. */
async function feedTargets(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  outside: Promise<readonly string[]>,
  configured: readonly string[],
): Promise<string[]> {
  try {
    const tcp = [...configured, ...await outside];
    const lines = new TextEncoder().encode(selfTestStdin(tcp, { proxyUrl: proxyUrl() }));
    // An exec that ended first says why in its report.
    await writer.write(lines).catch(() => {});
    return tcp;
  } finally {
    await writer.close().catch(() => {});
  }
}

/** Settle every step, then throw the first failure in the given order (or nothing). */
async function allOrFirstError(steps: readonly Promise<unknown>[]): Promise<void> {
  const settled = await Promise.allSettled(steps);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
}

/** The recipes the plan asks for: its agent image and the sidecar built from this codebase. */
async function planRecipes(plan: BottlePlan): Promise<BottleRecipes> {
  return {
    agent: await agentImageRecipe(plan.image, {
      ...(plan.baseImages.agent === undefined ? {} : { baseImage: plan.baseImages.agent }),
      ...(plan.buildCaFile === undefined ? {} : { buildCaFile: plan.buildCaFile }),
    }),
    sidecar: await sidecarImageRecipe({
      ...(plan.baseImages.sidecar === undefined ? {} : { baseImage: plan.baseImages.sidecar }),
      cacheDir: plan.paths.cache,
    }),
  };
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
