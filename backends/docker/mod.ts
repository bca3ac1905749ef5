/**
 * The docker backend (SPEC §5): plain `docker` CLI, no compose. Per bottle an internal network
 * without a host-side address (agent and sidecar only), an egress network (sidecar only), the
 * sidecar `bot-bottle-sidecars-<slug>` and the agent `bot-bottle-<slug>`, everything labelled
 * `bot-bottle.slug=<slug>`. The agent runs under gVisor (`runsc`) when the engine has it registered
 * (`BOT_BOTTLE_RUNTIME` opts out or insists); both containers are capped (memory, CPU, pids). These are
 * primitives: `src/launch` runs them in order.
 *
 * @module
 * @example
 * ```ts ignore
 * import { backend } from "./mod.ts";
 * const availability = await backend.isAvailable();
 * if (availability.ok) console.log(await backend.enumerateActive());
 * ```
 */
import { superviseUrl } from "../../core/sidecar_contract/mod.ts";
import type {
  Availability,
  Backend,
  DoctorHost,
  EngineDialect,
  EngineProbe,
  ImageRecipe,
  ProgramRunner,
  Progress,
  SidecarHost,
} from "../types.ts";
import { commitAgent, reloadEgress } from "./_control.ts";
import { DockerCli } from "./_docker.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";
import { dialectChecks, dockerChecks } from "./doctor.ts";
import { execInAgent } from "./exec.ts";
import { ensureDockerImage } from "./image.ts";
import {
  createNetworks,
  outsideAddresses,
  remove,
  sidecarStatus,
  startAgent,
  startSidecar,
  subnetOf,
} from "./launch.ts";
import { prepare } from "./prepare.ts";
import { resolveRuntime } from "./_runtime.ts";

export { DockerError } from "./_docker.ts";
export { DOCKER_DIALECT } from "./_dialect.ts";
export { type EnsuredImage, ensureDockerImage, type EnsureDockerImageOptions } from "./image.ts";

/** Options of {@link dockerBackend}. */
export interface DockerBackendOptions {
  /** The docker-compatible CLI to run: a name on PATH or a path (default `docker`). */
  cli?: string;
  /** How its engine differs from docker (default: it is docker). */
  dialect?: EngineDialect;
}

/**
 * A docker backend driving one CLI.
 *
 * @param options The CLI.
 * @returns The backend.
 */
export function dockerBackend(options: DockerBackendOptions = {}): Backend {
  const cli = new DockerCli(options.cli, options.dialect);
  return Object.freeze(
    {
      name: cli.dialect.name,
      isAvailable: () => probe(cli, cli.dialect.probe),
      canList: () => probe(cli, cli.dialect.listProbe?.(Deno.uid()) ?? cli.dialect.probe),
      isolation: async (runtime) => (await resolveRuntime(cli, runtime)).words,
      checks: (run: ProgramRunner, host: DoctorHost) =>
        cli.dialect.engineChecks === undefined
          ? dockerChecks(cli.program, run, host)
          : dialectChecks(cli, cli.dialect.engineChecks, run, host),
      prepare: (spec) => prepare(cli.program, spec, cli.dialect),
      async ensureImage(recipe: ImageRecipe, progress: Progress) {
        return (await ensureDockerImage(recipe, { progress, docker: cli.program })).tag;
      },
      createNetworks: (step, spec) => createNetworks(cli, step, spec),
      startSidecar: (step, spec, options) => startSidecar(cli, step, spec, options),
      startAgent: (step, spec, options) => startAgent(cli, step, spec, options),
      outsideAddresses: (bottle, networks) => outsideAddresses(cli, bottle, networks),
      sidecarStatus: (slug) => sidecarStatus(cli, slug),
      remove: (object) => remove(cli, object),
      exec: (slug, argv, options) => execInAgent(cli, slug, argv, options),
      stop: (slug) => teardown(cli, slug),
      enumerateActive: () => enumerateActive(cli),
      cleanupPlan: (keep) => cleanupPlan(cli, keep),
      cleanup: (steps) => cleanup(cli, steps),
      commit: (slug) => commitAgent(cli, slug),
      reloadEgress: (slug) => reloadEgress(cli, slug),
      superviseUrl: () => superviseUrl(),
    } satisfies Backend,
  );
}

/** Run one probe of the engine: whether it answers, and what its answer means. */
async function probe(cli: DockerCli, call: EngineProbe): Promise<Availability> {
  try {
    const { code, stdout, stderr } = await cli.run(call.args, {
      allowFailure: true,
      timeoutMs: 10_000,
    });
    return code === 0 ? call.read(stdout) : {
      ok: false,
      reason: `the ${cli.dialect.name} engine does not answer: ${stderr.trim()}`,
    };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      return { ok: false, reason: `the ${cli.program} CLI is not installed` };
    }
    throw err;
  }
}

/**
 * Docker as the engine another backend runs its sidecars on (smolmachines): the docker
 * backend's own primitives, a network's subnet, and `docker save`.
 *
 * @param program The docker-compatible CLI (default `docker`).
 * @returns The sidecar host.
 */
export function dockerSidecarHost(program = "docker"): SidecarHost {
  const cli = new DockerCli(program);
  return {
    ...dockerBackend({ cli: program }),
    subnet: (network) => subnetOf(cli, network),
    save: async (tag, file) => void await cli.run(["save", "--output", file, tag]),
  };
}

/** The docker backend, with the `docker` CLI found on PATH. */
export const backend: Backend = dockerBackend();
