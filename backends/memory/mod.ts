/**
 * The memory backend: every primitive of the backend contract over an engine that lives in this
 * process. Nothing runs and nothing leaves the process; commands in the agent are answered by
 * the agent behaviour it is given. It is not shipped (the registry in `backends/mod.ts` does not
 * list it, and only tests import it): it is the second implementation the parity matrix runs the
 * shared launch against, so the matrix checks the launch and not one engine, and the double the
 * lifecycle and CLI tests run bottles on.
 *
 * @module
 * @example
 * ```ts
 * import { MemoryBackend } from "./mod.ts";
 * const backend = new MemoryBackend({
 *   agent: () => ({ code: 0, stdout: "", stderr: "" }),
 * });
 * console.assert((await backend.enumerateActive()).length === 0);
 * ```
 */
import { superviseUrl } from "../../core/sidecar_contract/mod.ts";
import type {
  ActiveBottle,
  AgentSpec,
  Availability,
  Backend,
  BackendName,
  BottleNetworks,
  BottleRef,
  CleanupStep,
  CreatedObject,
  DoctorHost,
  ExecOptions,
  ExecResult,
  HostCheck,
  ImageRecipe,
  LaunchSpec,
  LaunchStep,
  NetworkSpec,
  PreparedBottle,
  ProgramRunner,
  Progress,
  RuntimeRequest,
  SidecarEndpoint,
  SidecarSpec,
} from "../types.ts";
import { memoryNames, MemoryWorld } from "./_world.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";
import { execInAgent, type MemoryAgent } from "./exec.ts";
import {
  createNetworks,
  memoryRuntime,
  outsideAddresses,
  remove,
  sidecarEndpoint,
  startContainer,
} from "./launch.ts";
import { prepare } from "./prepare.ts";

export type { MemoryAgent } from "./exec.ts";
export { memoryNames, type MemoryObject, MemoryWorld } from "./_world.ts";

/** The primitives a {@link MemoryBackendOptions.fault} hook is called before. */
export type MemoryPrimitive =
  | "ensureImage"
  | "createNetworks"
  | "startSidecar"
  | "startAgent"
  | "remove"
  | "exec"
  | "stop"
  | "cleanup"
  | "commit"
  | "reloadEgress";

/** Options of {@link MemoryBackend}. */
export interface MemoryBackendOptions {
  /** Answers every command run in an agent. */
  agent: MemoryAgent;
  /** The backend name it answers to (default `docker`: it stands in for the real one). */
  name?: BackendName;
  /** What `isAvailable` answers (default available). */
  availability?: Availability;
  /**
   * Runs before a primitive, with the bottle's slug (for `remove`, the object's name; empty when
   * there is none); throw to make the primitive fail.
   */
  fault?: (primitive: MemoryPrimitive, slug: string) => void | Promise<void>;
  /** Whether the engine has gVisor, as a docker engine with `runsc` registered (default no). */
  gvisor?: boolean;
  /** Whether its networks pin the sidecar's address, as docker's do (default no). */
  pinsSidecarAddress?: boolean;
}

/** A backend whose engine is an object in memory. */
export class MemoryBackend implements Backend {
  /** The name it answers to. */
  readonly name: BackendName;
  /** Its engine: objects, the commands it was given, the secrets containers received. */
  readonly world = new MemoryWorld();
  readonly #options: MemoryBackendOptions;

  /** @param options The agent behaviour, name, availability and fault hook. */
  constructor(options: MemoryBackendOptions) {
    this.#options = options;
    this.name = options.name ?? "docker";
  }

  /** {@inheritDoc Backend.isAvailable} */
  isAvailable(): Promise<Availability> {
    return Promise.resolve(this.#options.availability ?? { ok: true, detail: "memory engine" });
  }

  /** {@inheritDoc Backend.isolation} */
  isolation(runtime: RuntimeRequest): Promise<string> {
    try {
      return Promise.resolve(memoryRuntime(runtime, this.#options.gvisor === true).words);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** {@inheritDoc Backend.checks} */
  checks(
    _run: ProgramRunner,
    _host: DoctorHost,
  ): Promise<{ checks: HostCheck[]; usable: boolean }> {
    const availability = this.#options.availability ?? { ok: true, detail: "memory engine" };
    return Promise.resolve({
      checks: [
        availability.ok
          ? { status: "ok", name: this.name, detail: availability.detail }
          : { status: "fail", name: this.name, detail: availability.reason },
      ],
      usable: availability.ok,
    });
  }

  /** {@inheritDoc Backend.prepare} */
  prepare(spec: LaunchSpec): PreparedBottle {
    return prepare(this.name, spec);
  }

  /** {@inheritDoc Backend.ensureImage} */
  async ensureImage(recipe: ImageRecipe, progress: Progress): Promise<string> {
    await this.#fault("ensureImage", "");
    this.world.images.push(recipe);
    progress(`memory engine: image ${recipe.tag}`);
    return recipe.tag;
  }

  /** {@inheritDoc Backend.createNetworks} */
  async createNetworks(step: LaunchStep, spec: NetworkSpec): Promise<BottleNetworks> {
    await this.#fault("createNetworks", step.bottle.slug);
    const networks = createNetworks(this.world, step, spec);
    return this.#options.pinsSidecarAddress === true
      ? { ...networks, sidecarAddress: sidecarEndpoint().address }
      : networks;
  }

  /** {@inheritDoc Backend.startSidecar} */
  async startSidecar(
    step: LaunchStep,
    spec: SidecarSpec,
    options: { networks: BottleNetworks; secrets: Readonly<Record<string, string>> },
  ): Promise<SidecarEndpoint> {
    await this.#fault("startSidecar", step.bottle.slug);
    const { internal } = memoryNames(step.bottle.slug);
    startContainer(this.world, step, "sidecar", spec, {
      secrets: options.secrets,
      gvisor: this.#options.gvisor === true,
      networks: [internal, options.networks.egressNetwork],
    });
    return sidecarEndpoint();
  }

  /** {@inheritDoc Backend.startAgent} */
  async startAgent(
    step: LaunchStep,
    spec: AgentSpec,
    options: { sidecar: SidecarEndpoint; secrets: Readonly<Record<string, string>> },
  ): Promise<void> {
    await this.#fault("startAgent", step.bottle.slug);
    startContainer(this.world, step, "agent", spec, {
      secrets: options.secrets,
      gvisor: this.#options.gvisor === true,
      networks: [memoryNames(step.bottle.slug).internal],
    });
  }

  /** {@inheritDoc Backend.outsideAddresses} */
  outsideAddresses(_bottle: BottleRef, _networks: BottleNetworks): Promise<string[]> {
    return Promise.resolve(outsideAddresses());
  }

  /** {@inheritDoc Backend.sidecarStatus} */
  sidecarStatus(slug: string): Promise<{ running: boolean; logs: string }> {
    const sidecar = this.world.objects.get(memoryNames(slug).sidecar);
    return Promise.resolve({ running: sidecar?.state === "running", logs: "" });
  }

  /** {@inheritDoc Backend.remove} */
  async remove(object: CreatedObject): Promise<void> {
    await this.#fault("remove", object.name);
    remove(this.world, object);
  }

  /** {@inheritDoc Backend.exec} */
  async exec(slug: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    await this.#fault("exec", slug);
    return await execInAgent(this.world, this.#options.agent, { slug, argv, options });
  }

  /** {@inheritDoc Backend.stop} */
  async stop(slug: string): Promise<void> {
    await this.#fault("stop", slug);
    teardown(this.world, slug);
  }

  /** {@inheritDoc Backend.enumerateActive} */
  enumerateActive(): Promise<ActiveBottle[]> {
    return Promise.resolve(enumerateActive(this.world, this.name));
  }

  /** {@inheritDoc Backend.cleanupPlan} */
  cleanupPlan(keep: ReadonlySet<string>): Promise<CleanupStep[]> {
    return Promise.resolve(cleanupPlan(this.world, keep));
  }

  /** {@inheritDoc Backend.cleanup} */
  async cleanup(steps: readonly CleanupStep[]): Promise<string[]> {
    await this.#fault("cleanup", "");
    return cleanup(this.world, steps);
  }

  /** {@inheritDoc Backend.commit} */
  async commit(slug: string): Promise<string> {
    await this.#fault("commit", slug);
    const agent = this.world.objects.get(memoryNames(slug).agent);
    if (agent === undefined) throw new Error(`memory engine: no agent for bottle "${slug}"`);
    return `memory/committed-${slug}:1`;
  }

  /** {@inheritDoc Backend.reloadEgress} */
  async reloadEgress(slug: string): Promise<void> {
    await this.#fault("reloadEgress", slug);
    const sidecar = this.world.objects.get(memoryNames(slug).sidecar);
    if (sidecar?.state !== "running") {
      throw new Error(`memory engine: the sidecar of bottle "${slug}" is not running`);
    }
  }

  /** {@inheritDoc Backend.superviseUrl} */
  superviseUrl(_slug: string): string {
    return superviseUrl();
  }

  /**
   * Put a bottle in the engine as if a launch had made it (tests of commands on running bottles).
   *
   * @param bottle The bottle.
   * @param containers Its containers and their states (default agent and sidecar running).
   */
  addBottle(
    bottle: BottleRef,
    containers: readonly { role: "agent" | "sidecar"; state: string }[] = [
      { role: "agent", state: "running" },
      { role: "sidecar", state: "running" },
    ],
  ): void {
    const names = memoryNames(bottle.slug);
    for (const { role, state } of containers) {
      this.world.add({ kind: "container", name: names[role], bottle, role, state });
    }
  }

  async #fault(primitive: MemoryPrimitive, slug: string): Promise<void> {
    await this.#options.fault?.(primitive, slug);
  }
}
