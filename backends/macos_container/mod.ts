/**
 * The macos-container backend (SPEC §5): Apple's `container` CLI (macOS 26+), where every
 * container is its own lightweight VM. Per bottle a host-only network (`network create
 * --internal`: agent and sidecar only, no route out), a NAT network (sidecar only), the sidecar
 * `bot-bottle-sidecars-<slug>` on both and the agent `bot-bottle-<slug>` on the host-only one,
 * everything labelled `bot-bottle.slug=<slug>`. Secrets reach containers as bare `--env NAME`
 * with the value in the CLI's environment, never on an argv or in a file.
 *
 * Not the zero-NIC agent with a socket relay: the documented `--publish-socket host:container`
 * lets the host reach a socket the container listens on, not the container reach one on the
 * host, and no flag starts a container without a network; so the agent keeps one NIC, on a
 * host-only network whose only other peer is the sidecar (and the host, which the self-test
 * probes).
 *
 * It is written against the CLI's documentation (apple/container `docs/command-reference.md`)
 * and tested against a strict fake of that grammar (`tests/fakes/container/`); it has not run
 * against the real tool here, which needs macOS.
 *
 * @module
 * @example
 * ```ts ignore
 * import { macosContainerBackend } from "./mod.ts";
 * const backend = macosContainerBackend();
 * const availability = await backend.isAvailable();
 * if (availability.ok) console.log(await backend.enumerateActive());
 * ```
 */
import { superviseUrl } from "../../core/sidecar_contract/mod.ts";
import type { Backend, ImageRecipe, Progress } from "../types.ts";
import { commitAgent, reloadEgress } from "./_control.ts";
import { ContainerCli } from "./_cli.ts";
import { requireVmRuntime } from "./_runtime.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";
import { containerChecks } from "./doctor.ts";
import { execInAgent } from "./exec.ts";
import { ensureImage } from "./image.ts";
import {
  createNetworks,
  outsideAddresses,
  remove,
  sidecarStatus,
  startAgent,
  startSidecar,
} from "./launch.ts";
import { prepare } from "./prepare.ts";

export { ContainerCliError } from "./_cli.ts";
export { SidecarKernelError } from "./launch.ts";

/** Options of {@link macosContainerBackend}. */
export interface MacosContainerBackendOptions {
  /** The `container` CLI to run: a name on PATH or a path (default `container`). */
  cli?: string;
}

/**
 * A macos-container backend driving one CLI.
 *
 * @param options The CLI.
 * @returns The backend.
 */
export function macosContainerBackend(options: MacosContainerBackendOptions = {}): Backend {
  const cli = new ContainerCli(options.cli);
  return Object.freeze(
    {
      name: "macos-container" as const,
      async isAvailable() {
        try {
          const { code, stderr } = await cli.run(["system", "status"], {
            allowFailure: true,
            timeoutMs: 10_000,
          });
          return code === 0 ? { ok: true as const, detail: "container system running" } : {
            ok: false as const,
            reason: `the container system is not running (${stderr.trim() || `exit ${code}`}); ` +
              `run ${cli.program} system start`,
          };
        } catch (err) {
          if (err instanceof Deno.errors.NotFound) {
            return {
              ok: false as const,
              reason: `the ${cli.program} CLI is not installed (Apple's container, macOS 26+)`,
            };
          }
          throw err;
        }
      },
      isolation: (runtime) => Promise.resolve().then(() => requireVmRuntime(runtime)),
      checks: (run, host) => containerChecks(cli.program, run, host),
      prepare: (spec) => prepare(cli.program, spec),
      ensureImage: (recipe: ImageRecipe, progress: Progress) => ensureImage(cli, recipe, progress),
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

/** The macos-container backend, with the `container` CLI found on PATH. */
export const backend: Backend = macosContainerBackend();
