/**
 * The parity matrix of SPEC §5: the promises every backend keeps, checked through the one shared
 * launch (`src/launch`) against each backend in turn. `parity_test.ts` runs it over the memory
 * backend; `tests/e2e/parity_test.ts` runs it over Docker on a real engine. Rows assert what a
 * user relies on, not how an engine does it: a dry run is pure and shows no secret, a launch
 * brings exactly one agent and one sidecar up and `stop` takes them away, a launch that finds the
 * agent unfit or the isolation weaker refuses and leaves nothing behind, every container runs
 * under the bottle's caps, every object the engine holds for a bottle carries its slug, the agent
 * is on no network with a route out, the sidecar gets the contract's environment and the plan's
 * routes, and no secret value ever reaches an argv the engine runs.
 */
import assert from "node:assert/strict";
import type { Backend, ResourceLimits } from "../../backends/mod.ts";
import { stringifyRoutesFile } from "../../core/routes/mod.ts";
import { SIDECAR_ENV, sidecarEnvironment } from "../../core/sidecar_contract/mod.ts";
import { launchBottle, LaunchError, launchSpec } from "../../src/launch/mod.ts";
import type { ResolvedAgent } from "../../src/manifest/mod.ts";
import type { HomePaths } from "../../src/paths/mod.ts";
import { type BottlePlan, buildPlan, demoAgent, type LaunchSecrets } from "../../src/plan/mod.ts";
import { SelfTestError } from "../../src/self_test/mod.ts";

/** How a bottle on the subject behaves. */
export type BottleKind =
  /** An agent image and an engine that isolate as they must. */
  | "isolated"
  /** An agent image whose user is root. */
  | "root-user"
  /** A bottle in which the agent resolves a name it must not. */
  | "leaky";

/** A backend as the matrix drives it. */
export interface ParitySubject {
  /** The name rows are labelled with. */
  label: string;
  /** The bot-bottle home bottles keep their state in. */
  paths: HomePaths;
  /** Host settings every plan is built with (base images, test network, self-test targets). */
  hostEnv: Readonly<Record<string, string>>;
  /**
   * The backend for a kind of bottle, and what the plan needs for it: a committed image to boot,
   * extra host settings.
   */
  bottle(kind: BottleKind): {
    backend: Backend;
    committedImage?: string;
    hostEnv?: Readonly<Record<string, string>>;
  };
  /** Every argv the engine was given since the subject was made. */
  engineArgv(): Promise<string[][]>;
  /** The value of a variable in a running bottle's agent, as the agent sees it. */
  agentSees(backend: Backend, slug: string, name: string): Promise<string | undefined>;
  /** The caps the engine enforces on a running bottle's containers (memory counts swap too). */
  limitsOf(
    backend: Backend,
    slug: string,
  ): Promise<{ agent: ResourceLimits; sidecar: ResourceLimits }>;
  /**
   * The caps the engine grants for those asked, when it cannot express them exactly (a micro-VM
   * has whole vCPUs and no process cap); default exactly those asked.
   */
  limitsGranted?(
    asked: { agent: ResourceLimits; sidecar: ResourceLimits },
  ): { agent: ResourceLimits; sidecar: ResourceLimits };
  /**
   * Every container and network the engine holds whose name carries the slug, found by the
   * engine's own listing by name (not by label), with the labels the engine holds for each.
   */
  objectsNamed(backend: Backend, slug: string): Promise<EngineObject[]>;
  /** The networks the engine attached a running bottle's agent and sidecar to. */
  attachments(backend: Backend, slug: string): Promise<{ agent: Attached[]; sidecar: Attached[] }>;
  /** The sidecar's environment as the engine gave it, and the routes file its egress mount shows. */
  sidecarSees(
    backend: Backend,
    slug: string,
  ): Promise<{ env: Record<string, string>; routes: string }>;
}

/** A container or network as the engine lists it. */
export interface EngineObject {
  /** `container` or `network` (a micro-VM counts as a container). */
  kind: "container" | "network";
  /** Its name. */
  name: string;
  /** Its labels, as the engine holds them. */
  labels: Readonly<Record<string, string>>;
}

/** A network a container is attached to, in the engine's terms. */
export interface Attached {
  /** The network's name. */
  network: string;
  /** Whether it routes beyond the bottle (a gateway, NAT, an allowlist wider than the bottle). */
  routeOut: boolean;
}

/** A name the agent resolves in every backend (the sidecar's), for the leaky kind. */
export const LEAKY_NAME = "bot-bottle-sidecar";

/** Values a launch must never put on an argv: a literal setting, a host variable's value. */
export const LITERAL = "literal-value-7f3a2b9c";
/** See {@link LITERAL}. */
export const HOST_TOKEN = "host-token-value-91d0e5a7";

/**
 * Run the matrix's rows for one backend, each as a step of the caller's test.
 *
 * @param t The test the rows are steps of.
 * @param s The backend as the matrix drives it.
 */
export async function parityMatrix(t: Deno.TestContext, s: ParitySubject): Promise<void> {
  await t.step("prepare() is pure, deterministic and shows no secret", () => {
    const { backend } = s.bottle("isolated");
    for (const plan of fixtures(s)) {
      const prepared = backend.prepare(launchSpec(plan, backend.superviseUrl("dev")));
      assert.deepEqual(
        backend.prepare(launchSpec(plan, backend.superviseUrl("dev"))),
        prepared,
        s.label,
      );
      const argv = prepared.steps.flatMap((step) => step.argv).join("\n");
      for (const leak of [LITERAL, "HOST_SECRET_VAR", "HOST_TOKEN_VAR", "parity_deploy_key"]) {
        assert.ok(!argv.includes(leak), `${leak} appears in ${s.label}'s prepared argv`);
      }
      const last = prepared.steps.at(-1)!.argv;
      assert.deepEqual(last.slice(-plan.command.length), plan.command, "the command is argv");
      const creating = prepared.steps.filter((step) =>
        step.argv.includes("run") || step.argv.includes("create")
      );
      assert.ok(creating.length >= 3, `${s.label} creates networks and containers`);
      for (const step of creating) {
        assert.ok(
          step.argv.some((arg) => arg.endsWith(`bot-bottle.slug=${plan.slug}`)),
          `${s.label}: "${step.title}" does not carry the bottle's slug`,
        );
      }
    }
  });

  await t.step("a launch brings one agent and one sidecar up; stop removes them", async () => {
    const { backend, plan } = planFor(s, "isolated", "parity-up");
    try {
      await launchBottle(plan, secretsFor(plan), { backend, progress: () => {} });
      const active = (await backend.enumerateActive()).find((b) => b.slug === plan.slug);
      assert.deepEqual(active?.services.sort(), ["agent:running", "sidecar:running"]);
      assert.equal(active?.label, plan.label);
      assert.equal(await s.agentSees(backend, plan.slug, "GREETING"), LITERAL);
      await backend.stop(plan.slug);
      assert.equal((await backend.enumerateActive()).some((b) => b.slug === plan.slug), false);
      assert.deepEqual(await objectsOf(backend, plan.slug), []);
    } finally {
      await cleanUp(s, backend, plan);
    }
  });

  await t.step("every container runs under the bottle's memory, CPU and pids caps", async () => {
    const limits = {
      agent: { memory: 640 * 1024 ** 2, cpus: 0.5, pids: 300 },
      sidecar: { memory: 768 * 1024 ** 2, cpus: 1.5, pids: 400 },
    };
    const { backend, plan } = planFor(s, "isolated", "parity-caps", limits);
    try {
      await launchBottle(plan, secretsFor(plan), { backend, progress: () => {} });
      const granted = s.limitsGranted?.(limits) ?? limits;
      assert.deepEqual(await s.limitsOf(backend, plan.slug), granted, s.label);
    } finally {
      await cleanUp(s, backend, plan);
    }
  });

  await t.step("an agent that runs as root is refused and leaves nothing", async () => {
    const { backend, plan } = planFor(s, "root-user", "parity-root");
    try {
      await assert.rejects(
        launchBottle(plan, secretsFor(plan), { backend, progress: () => {} }),
        (err: unknown) => err instanceof LaunchError && /non-root user/.test(err.message),
      );
      assert.deepEqual(await objectsOf(backend, plan.slug), []);
    } finally {
      await cleanUp(s, backend, plan);
    }
  });

  await t.step("weaker isolation fails the self-test and leaves nothing", async () => {
    const { backend, plan } = planFor(s, "leaky", "parity-leak");
    try {
      await assert.rejects(
        launchBottle(plan, secretsFor(plan), { backend, progress: () => {} }),
        (err: unknown) => err instanceof SelfTestError && err.message.includes(`dns ${LEAKY_NAME}`),
      );
      assert.deepEqual(await objectsOf(backend, plan.slug), []);
    } finally {
      await cleanUp(s, backend, plan);
    }
  });

  await t.step(
    "every object the engine holds for a bottle is labelled; cleanup finds it",
    () =>
      withBottle(s, "parity-label", async (backend, plan) => {
        const named = await s.objectsNamed(backend, plan.slug);
        assert.ok(
          named.filter((o) => o.kind === "container").length >= 2,
          `${s.label}: containers`,
        );
        assert.ok(named.some((o) => o.kind === "network"), `${s.label}: networks`);
        const found = await objectsOf(backend, plan.slug);
        for (const object of named) {
          assert.equal(object.labels["bot-bottle.slug"], plan.slug, `${s.label}: ${object.name}`);
          assert.ok(
            found.includes(`${object.kind} ${object.name}`),
            `cleanup misses ${object.name}`,
          );
        }
      }),
  );

  await t.step(
    "the agent is on no network with a route out; the sidecar on one",
    () =>
      withBottle(s, "parity-route", async (backend, plan) => {
        const { agent, sidecar } = await s.attachments(backend, plan.slug);
        assert.ok(agent.length > 0, `${s.label}: the agent is attached somewhere`);
        assert.deepEqual(agent.filter((a) => a.routeOut), [], `${s.label}: the agent routes out`);
        const out = sidecar.filter((a) => a.routeOut);
        assert.equal(out.length, 1, `${s.label}: ${JSON.stringify(sidecar)}`);
      }),
  );

  await t.step(
    "the sidecar gets the contract's environment and the plan's routes",
    () =>
      withBottle(s, "parity-contract", async (backend, plan, secrets) => {
        const seen = await s.sidecarSees(backend, plan.slug);
        const expected = sidecarContract(plan);
        const missing = [...expected.names].filter((name) => seen.env[name] === undefined);
        assert.deepEqual(missing, [], `${s.label}: the sidecar lacks contract variables`);
        for (const [name, value] of Object.entries(expected.values)) {
          assert.equal(seen.env[name], value, `${s.label}: ${name}`);
        }
        assert.equal(seen.env[SIDECAR_ENV.canary.name], secrets.canary, s.label);
        assert.match(seen.env[SIDECAR_ENV.egressListenSubnet.name] ?? "", /^[0-9.]+\/\d+$/);
        assert.equal(seen.routes, expected.routes, s.label);
      }),
  );

  await t.step("no secret value reaches an argv the engine runs", async () => {
    const { backend, plan } = planFor(s, "isolated", "parity-argv");
    const secrets = secretsFor(plan);
    try {
      await launchBottle(plan, secrets, { backend, progress: () => {} });
      assert.equal(await s.agentSees(backend, plan.slug, "FROM_HOST"), HOST_TOKEN);
      await backend.stop(plan.slug);
      const argv = (await s.engineArgv()).map((a) => a.join("\u0000")).join("\n");
      assert.ok(argv.includes(plan.slug), `${s.label} recorded the engine's commands`);
      for (const value of [LITERAL, HOST_TOKEN, secrets.canary, ...Object.values(secrets.tokens)]) {
        assert.ok(!argv.includes(value), `a secret value reached ${s.label}'s argv`);
      }
    } finally {
      await cleanUp(s, backend, plan);
    }
  });
}

/** The plan fixtures: the demo, one with secrets and a command, one with a git-gate repo. */
function fixtures(s: ParitySubject): BottlePlan[] {
  const build = (agent: ResolvedAgent, slug: string, extra: Record<string, string> = {}) =>
    buildPlan(agent, {
      slug,
      label: "parity",
      cwd: "/w",
      paths: s.paths,
      hostEnv: { ...s.hostEnv, ...extra },
      command: ["sh", "-c", "echo $((1+1)); rm -rf / # not a shell string for the engine"],
    });
  const withRepos = withSecrets();
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
  return [
    build(demoAgent(), "demo-000001"),
    build(withSecrets(), "dev-000002", { BOT_BOTTLE_EGRESS_NETWORK: "lab-net" }),
    build(withRepos, "git-000003", { SUPERVISE_GITLEAKS_ALLOW_TIMEOUT_SECONDS: "5" }),
  ];
}

/** The demo agent with a literal env value, a host variable and a route with a token. */
export function withSecrets(): ResolvedAgent {
  const agent = demoAgent();
  agent.bottle.env = {
    GREETING: { kind: "literal", value: LITERAL },
    FROM_HOST: { kind: "host", name: "HOST_SECRET_VAR" },
  };
  agent.bottle.egress.routes.push({
    host: "api.test",
    auth: { scheme: "Bearer", token_ref: "HOST_TOKEN_VAR" },
    outbound_on_match: "block",
    inbound_on_secret: "redact",
    allow_private: false,
  });
  return agent;
}

function planFor(
  s: ParitySubject,
  kind: BottleKind,
  prefix: string,
  limits?: ResolvedAgent["bottle"]["limits"],
): { backend: Backend; plan: BottlePlan } {
  const bottle = s.bottle(kind);
  const agent = withSecrets();
  if (limits !== undefined) agent.bottle.limits = limits;
  const plan = buildPlan(agent, {
    slug: `${prefix}-${crypto.randomUUID().slice(0, 6)}`,
    label: prefix,
    cwd: "/w",
    paths: s.paths,
    hostEnv: { ...s.hostEnv, ...bottle.hostEnv },
    ...(bottle.committedImage === undefined ? {} : { committedImage: bottle.committedImage }),
  });
  return { backend: bottle.backend, plan };
}

/**
 * What the sidecar contract and the plan say a sidecar gets, independent of any engine: every
 * variable name (settings and secret slots), the value of each setting that does not depend on
 * the engine (the listen subnet is the engine's own), and the routes file's content.
 */
function sidecarContract(
  plan: BottlePlan,
): { names: Set<string>; values: Record<string, string>; routes: string } {
  const subnet = "<engine-subnet>";
  const settings = sidecarEnvironment({
    daemons: plan.daemons,
    slug: plan.slug,
    listenSubnet: subnet,
    upstreamCa: plan.upstreamCaFile !== undefined,
    connectTo: plan.connectTo,
    timeouts: plan.operatorTimeouts,
  });
  const secretNames = [
    SIDECAR_ENV.canary.name,
    ...plan.tokenSlots.map((slot) => slot.slot),
    ...plan.knownSecretSlots.map((slot) => slot.slot),
  ];
  return {
    names: new Set([...Object.keys(settings), ...secretNames]),
    values: Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== subnet)),
    routes: stringifyRoutesFile({ log: plan.logLevel, routes: plan.routes }),
  };
}

/** Launch an isolated bottle, check it while it runs, then take it and its state away. */
async function withBottle(
  s: ParitySubject,
  prefix: string,
  check: (backend: Backend, plan: BottlePlan, secrets: LaunchSecrets) => Promise<void>,
): Promise<void> {
  const { backend, plan } = planFor(s, "isolated", prefix);
  const secrets = secretsFor(plan);
  try {
    await launchBottle(plan, secrets, { backend, progress: () => {} });
    await check(backend, plan, secrets);
  } finally {
    await cleanUp(s, backend, plan);
  }
}

/** Secrets as `resolveSecrets` would read them, with values the rows look for. */
export function secretsFor(plan: BottlePlan): LaunchSecrets {
  const canary = `bot-bottle-canary-${crypto.randomUUID().replaceAll("-", "")}`;
  return {
    agentEnv: { GREETING: LITERAL, FROM_HOST: HOST_TOKEN, BOT_BOTTLE_CANARY: canary },
    tokens: Object.fromEntries(
      plan.tokenSlots.map((slot) => [slot.slot, `token-${crypto.randomUUID()}`]),
    ),
    canary,
    agentFiles: [],
  };
}

/** Every object of a bottle the backend still has, running or not. */
async function objectsOf(backend: Backend, slug: string): Promise<string[]> {
  return (await backend.cleanupPlan(new Set())).filter((step) => step.slug === slug)
    .map((step) => `${step.kind} ${step.name}`);
}

/** What the lifecycle does after a bottle: its objects and its state go. */
async function cleanUp(s: ParitySubject, backend: Backend, plan: BottlePlan): Promise<void> {
  await backend.stop(plan.slug);
  for (const dir of [s.paths.stateDir(plan.slug), s.paths.queueDir(plan.slug)]) {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
