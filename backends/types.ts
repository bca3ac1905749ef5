/**
 * The contract every backend implements (SPEC §5). A backend is a set of primitives: make sure an
 * image exists, create a bottle's networks, start its sidecar, start its agent, run a command in
 * it, tear it down, find it again. The launch sequence that strings them together (state files,
 * images, networks, sidecar, agent, provisioning, the isolation self-test, teardown on failure)
 * is written once, above the backends, in the host application's `src/launch/`.
 *
 * What to run arrives as specs built from the contract in `core/sidecar_contract` (environment,
 * mounts); a backend decides only how its engine enforces them. Backends take argv arrays, never
 * shell strings, and report state only.
 *
 * @module
 */
import type { ExecRequest } from "../core/engine_cli/mod.ts";

/** Names a user can pass to `--backend` or `BOT_BOTTLE_BACKEND`. */
export type BackendName = "docker" | "macos-container" | "smolmachines" | "podman";

/** Whether a backend can run here, and why not. */
export type Availability = { ok: true; detail: string } | {
  ok: false;
  reason: string;
  /** Its CLI is not installed at all, so it can have no bottles here (nothing to warn about). */
  absent?: boolean;
};

/** A running (or stopped but not removed) bottle, as the backend sees it. */
export interface ActiveBottle {
  /** The backend that runs it. */
  backend: BackendName;
  /** The bottle's slug. */
  slug: string;
  /** The label it was started with. */
  label: string;
  /** The agent it runs. */
  agent: string;
  /** Services seen for it, e.g. `agent:running`, `sidecar:running`. */
  services: string[];
}

/** One thing `cleanup` would remove. */
export interface CleanupStep {
  /** What kind of object. */
  kind: "container" | "network" | "image" | "state";
  /** Its name (container, network or image name, or a state dir path). */
  name: string;
  /** The bottle it belongs to, when known. */
  slug?: string;
}

/** Receives progress lines during long steps (image builds, first launch). */
export type Progress = (line: string) => void;

/** How to run a command inside a bottle (beside the `exec` the engine CLIs share). */
export type ExecOptions = ExecRequest;

/** The result of {@link Backend.exec}. */
export interface ExecResult {
  /** The command's exit code (124 when it timed out, 137 when its `signal` aborted it). */
  code: number;
  /** Captured stdout (empty unless `capture`). */
  stdout: string;
  /** Captured stderr (empty unless `capture`). */
  stderr: string;
}

/** What an image is for; built images carry it as the `bot-bottle.image` label. */
export type ImageRole = "agent" | "sidecar";

/** Where a build's context comes from. */
export type BuildContext =
  /** Files held in memory (the Dockerfile is the one named `Dockerfile`), written to a temp dir. */
  | { kind: "files"; files: ReadonlyMap<string, Uint8Array> }
  /** A host folder used in place, as `docker build -f <dir>/<dockerfile> <dir>` would. */
  | { kind: "dir"; dir: string; dockerfile: string };

/** An image that must be built unless an image with its content tag already exists. */
export interface BuiltImageRecipe {
  /** Always true: see {@link ImageRecipe}. */
  needsBuild: true;
  /** `bot-bottle/<name>:<16 hex>`, a digest of the Dockerfile, every context file and the args. */
  tag: string;
  /** What the image is for. */
  role: ImageRole;
  /** `--build-arg` values (`BASE_IMAGE` when a base was given). */
  buildArgs: Readonly<Record<string, string>>;
  /** The build context. */
  context: BuildContext;
}

/** An image that already exists by reference (made by `commit`); nothing is built. */
export interface ExistingImageRecipe {
  /** Always false: see {@link ImageRecipe}. */
  needsBuild: false;
  /** The image reference to run. */
  tag: string;
  /** What the image is for. */
  role: ImageRole;
}

/** How to obtain one image: build it from a context, or use an existing one. */
export type ImageRecipe = BuiltImageRecipe | ExistingImageRecipe;

/** Who a bottle is: its objects are named after the slug and labelled with all three. */
export interface BottleRef {
  /** The bottle's identifier (validated: lower-case letters, digits, dashes). */
  slug: string;
  /** What `list active` shows. */
  label: string;
  /** The agent it runs. */
  agent: string;
}

/** A host path mounted into a container (live config is always a directory: SPEC §12). */
export interface Mount {
  /** The host path. */
  source: string;
  /** The path inside the container. */
  target: string;
  /** Whether the container may only read it. */
  readonly: boolean;
  /**
   * The source is one file, not a folder (static: live config is always a folder). An engine
   * that shares folders only (Apple's virtiofs) mounts its folder and copies the file in.
   */
  file?: boolean;
}

/** Caps on what one container may use; the engine enforces them. */
export interface ResourceLimits {
  /** Memory in bytes, swap included (the container gets no swap beyond it). */
  memory: number;
  /** CPU time, in CPUs (`1.5` is one and a half CPUs' worth). */
  cpus: number;
  /** Most processes and threads it may run at once. */
  pids: number;
}

/**
 * The OCI runtime the agent asks for: `auto` takes gVisor (`runsc`) when the engine has it and
 * the engine's default otherwise; `runsc` insists on gVisor; `runc` opts out of it.
 */
export type RuntimeRequest = "auto" | "runc" | "runsc";

/** What one container runs: its image, environment, mounts and caps. */
export interface ContainerSpec {
  /** The image reference. */
  image: string;
  /** Settings, by name; none of them is secret. */
  env: Readonly<Record<string, string>>;
  /**
   * Names of secret variables. Their values arrive with the start call and travel only in the
   * engine CLI's own environment (`-e NAME`), never on an argv or in a file.
   */
  secretEnv: readonly string[];
  /** Directories to mount. */
  mounts: readonly Mount[];
  /** Memory, CPU and process caps. */
  limits: Readonly<ResourceLimits>;
}

/** The sidecar container. */
export interface SidecarSpec extends ContainerSpec {
  /** `<uid>:<gid>` of the host user it runs as, so it can read the 0600 files the host wrote. */
  user: string;
  /** Kernel settings of its network namespace (the contract's `SIDECAR_SYSCTLS`). */
  sysctls: Readonly<Record<string, string>>;
  /**
   * A host address every daemon's port is published on, for a backend whose agent is on no
   * engine network (smolmachines: the bottle's loopback alias). Absent: nothing is published.
   */
  publishOn?: string;
}

/** The agent container. */
export interface AgentSpec extends ContainerSpec {
  /** The runtime it asks for. */
  runtime: RuntimeRequest;
}

/** How a bottle's networks are made. */
export interface NetworkSpec {
  /** An existing network the sidecar uses for egress instead of a per-bottle one. */
  egressNetwork?: string;
}

/** A bottle's networks, once created. */
export interface BottleNetworks {
  /** The internal network's subnet: the agent's only network, where the daemons listen. */
  internalSubnet: string;
  /** The network the sidecar reaches upstreams through. */
  egressNetwork: string;
  /**
   * The sidecar's address on the internal network when the networks fix it before the sidecar
   * starts: the agent then starts alongside the sidecar instead of after it.
   */
  sidecarAddress?: string;
}

/** Where the agent reaches its sidecar. */
export interface SidecarEndpoint {
  /** The sidecar's address on the internal network. */
  address: string;
}

/** A whole launch as data, for {@link Backend.prepare}; unknowns are `<placeholders>`. */
export interface LaunchSpec {
  /** The bottle. */
  bottle: BottleRef;
  /** Its networks. */
  networks: NetworkSpec;
  /** Its sidecar. */
  sidecar: SidecarSpec;
  /** Its agent. */
  agent: AgentSpec;
  /** The command the agent runs once the bottle is up. */
  command: readonly string[];
}

/** Something a launch step created. */
export interface CreatedObject {
  /** What it is. */
  kind: "network" | "container";
  /** Its name. */
  name: string;
}

/** What every launch primitive is handed. */
export interface LaunchStep {
  /** The bottle being launched. */
  bottle: BottleRef;
  /**
   * Record an object right after it exists (before the next command), so that a launch that
   * fails later removes exactly what it made and nothing another bottle owns.
   */
  created(object: CreatedObject): void;
}

/** A backend's plan for one bottle, as data (for `--dry-run`). */
export interface PreparedBottle {
  /** Backend name. */
  backend: BackendName;
  /** Steps, in order. */
  steps: PreparedStep[];
}

/** One prepared step: a program and its arguments (never a shell string). */
export interface PreparedStep {
  /** What the step does. */
  title: string;
  /** argv, program first. */
  argv: string[];
}

/** What a host program printed, for a check (see {@link ProgramRunner}). */
export interface ProgramResult {
  /** False when the program could not be started (not installed, not on PATH). */
  started: boolean;
  /** Exit code (or -1 when not started or killed by the timeout). */
  code: number;
  /** Captured standard output. */
  stdout: string;
  /** Captured standard error. */
  stderr: string;
}

/** Runs a host program for a check; never throws for a missing program. */
export type ProgramRunner = (argv: readonly [string, ...string[]]) => Promise<ProgramResult>;

/** One line of `doctor`. */
export interface HostCheck {
  /** `ok` works, `warn` works with a caveat, `fail` does not work. */
  status: "ok" | "warn" | "fail";
  /** Short name, e.g. `docker daemon`. */
  name: string;
  /** What was found, or what to do about it. */
  detail: string;
}

/** A base image the first `start` builds on, and the host setting that replaces it. */
export interface BaseImageSetting {
  /** The image reference. */
  image: string;
  /** The host setting (environment variable) that names another one. */
  setting: string;
}

/** What `doctor` tells a backend's checks about the host. */
export interface DoctorHost {
  /** The host OS, as in `Deno.build.os`: how to fix a failure differs per OS. */
  os: string;
  /** The base images a first `start` needs. */
  baseImages: readonly BaseImageSetting[];
  /** The runtime the agent asks for (`BOT_BOTTLE_RUNTIME`). */
  runtime: RuntimeRequest;
}

/** One backend (SPEC §5). */
export interface Backend {
  /** Its name. */
  readonly name: BackendName;
  /** Whether its CLI and engine answer here. */
  isAvailable(): Promise<Availability>;
  /**
   * Whether {@link enumerateActive} sees every bottle it runs here: `isAvailable` when absent. A
   * backend whose probe checks what only starting a bottle needs (and is slow) answers this
   * without those checks: `list active` asks every backend on every run.
   */
  canList?(): Promise<Availability>;
  /**
   * The isolation an agent asking for `runtime` gets here, in words (the preflight shows it).
   *
   * @throws {ConfigError} When the engine cannot give the runtime asked for.
   */
  isolation(runtime: RuntimeRequest): Promise<string>;
  /** `doctor`'s checks of its engine, run through the given runner; and whether it can run. */
  checks(run: ProgramRunner, host: DoctorHost): Promise<{ checks: HostCheck[]; usable: boolean }>;
  /** The engine commands a launch runs, as data (pure and fast: no side effects). */
  prepare(spec: LaunchSpec): PreparedBottle;
  /**
   * Make sure an image exists, building it when its content tag is absent.
   *
   * @returns The reference to run.
   */
  ensureImage(recipe: ImageRecipe, progress: Progress): Promise<string>;
  /** Create the internal network (no route out, no host address) and the egress network. */
  createNetworks(step: LaunchStep, spec: NetworkSpec): Promise<BottleNetworks>;
  /** Create and start the sidecar on both networks. */
  startSidecar(
    step: LaunchStep,
    spec: SidecarSpec,
    options: { networks: BottleNetworks; secrets: Readonly<Record<string, string>> },
  ): Promise<SidecarEndpoint>;
  /** Start the agent on the internal network only, non-root, resolving nothing but the sidecar. */
  startAgent(
    step: LaunchStep,
    spec: AgentSpec,
    options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
  ): Promise<void>;
  /**
   * `ADDR:PORT` pairs outside the bottle known to answer (the host's side of the egress network,
   * the sidecar's egress-side proxy): the self-test must fail to reach every one directly.
   */
  outsideAddresses(bottle: BottleRef, networks: BottleNetworks): Promise<string[]>;
  /** Whether the sidecar still runs, and its last log lines (why a launch waits in vain). */
  sidecarStatus(slug: string): Promise<{ running: boolean; logs: string }>;
  /** Remove one object a failed launch created; an object already gone is no error. */
  remove(object: CreatedObject): Promise<void>;
  /** Run a command inside the agent container; resolves to its exit code and captured output. */
  exec(slug: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult>;
  /** Remove a bottle's containers and networks (state dirs are the caller's business). */
  stop(slug: string): Promise<void>;
  /** Bottles this backend runs, found by label (no state needed). */
  enumerateActive(): Promise<ActiveBottle[]>;
  /** What `cleanup` would remove for this backend; `keep` are slugs whose objects stay. */
  cleanupPlan(keep: ReadonlySet<string>): Promise<CleanupStep[]>;
  /** Remove what {@link cleanupPlan} listed, best effort; returns one warning per failed step. */
  cleanup(steps: readonly CleanupStep[]): Promise<string[]>;
  /** Snapshot the agent's filesystem to an image; returns the image reference. */
  commit(slug: string): Promise<string>;
  /** Tell the sidecar to re-read the bottle's routes file (SIGHUP to egress). */
  reloadEgress(slug: string): Promise<void>;
  /** The supervise MCP server's URL as the agent reaches it. */
  superviseUrl(slug: string): string;
}

/** Go templates a docker-compatible engine's listings and inspections answer. */
export interface DialectFormats {
  /** A label's value in `ps --format`. */
  psLabel(key: string): string;
  /** The container's state (`running`, `exited`, …) in `ps --format`. */
  psState: string;
  /** A label's value in `network ls --format`. */
  networkLabel(key: string): string;
  /** The first IPv4 subnet in `network inspect --format`. */
  subnet: string;
  /** Every subnet's gateway, concatenated, in `network inspect --format`. */
  gateways: string;
}

/** One CLI call that tells whether an engine answers, and what its answer means. */
export interface EngineProbe {
  /** Arguments of the CLI call. */
  args: readonly string[];
  /** Availability from the call's stdout (it exited 0). */
  read(stdout: string): Availability;
}

/**
 * How a docker-compatible engine differs from docker where the CLI grammar is otherwise the same
 * (the docker backend's primitives drive any such engine with its dialect; podman has one).
 */
export interface EngineDialect {
  /** The backend it makes. */
  readonly name: BackendName;
  /**
   * `network create` flags that leave the host without an address on the internal network, so
   * the agent cannot reach host services.
   */
  readonly internalNetworkFlags: readonly string[];
  /** Flags every container (sidecar and agent) is created with. */
  readonly containerFlags: readonly string[];
  /**
   * Whether the internal network gets a subnet of our choosing, with the sidecar's address
   * outside the range the engine hands out, so the agent can start before the sidecar has.
   */
  readonly pinsSidecarAddress: boolean;
  /** The templates of its listings. */
  readonly formats: DialectFormats;
  /** How to ask the engine whether it answers, and what its answer means for running bottles. */
  readonly probe: EngineProbe;
  /**
   * How to ask whether a listing sees every bottle (see {@link Backend.canList}), when that
   * takes less than {@link probe}; `undefined` (or no such member): ask {@link probe}.
   *
   * @param uid The user bot-bottle runs as (`Deno.uid()`).
   */
  listProbe?(uid: number | null): EngineProbe | undefined;
  /**
   * Whether the engine offers gVisor (`runsc`) to the agent.
   *
   * @param cli Runs the engine's CLI with these arguments and resolves to its stdout.
   */
  runscRegistered(cli: (args: readonly string[]) => Promise<string>): Promise<boolean>;
  /** How to register gVisor with this engine, for the error that refuses `runsc` without it. */
  readonly gvisorFix: string;
  /**
   * `doctor`'s checks of the engine itself (the base images are checked after them when it is
   * usable); absent: docker's.
   */
  engineChecks?(
    program: string,
    run: ProgramRunner,
    host: DoctorHost,
  ): Promise<{ checks: HostCheck[]; usable: boolean }>;
}

/**
 * An engine another backend runs its sidecars on (smolmachines runs them on docker): its own
 * primitives for the images, networks, sidecar container and cleanup, plus what only such a
 * backend asks of it.
 */
export interface SidecarHost extends
  Pick<
    Backend,
    | "isAvailable"
    | "checks"
    | "prepare"
    | "ensureImage"
    | "createNetworks"
    | "startSidecar"
    | "outsideAddresses"
    | "sidecarStatus"
    | "remove"
    | "stop"
    | "enumerateActive"
    | "cleanupPlan"
    | "cleanup"
    | "reloadEgress"
  > {
  /** The subnet of one of its networks. */
  subnet(network: string): Promise<string>;
  /** Write an image it built to an image archive at `file` (`docker save`). */
  save(tag: string, file: string): Promise<void>;
}
