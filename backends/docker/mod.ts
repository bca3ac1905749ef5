/**
 * The docker backend (SPEC §5): plain `docker` CLI, no compose. Per bottle an internal network
 * without a host-side address (agent and sidecar only), an egress network (sidecar only), the
 * sidecar `bot-bottle-sidecars-<slug>` and the agent `bot-bottle-<slug>`, everything labelled
 * `bot-bottle.slug=<slug>`. gVisor (`runsc`) is used when the engine has it registered. These are
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
import type { Backend, ImageRecipe, Progress } from "../types.ts";
import { docker } from "./_docker.ts";
import { commitAgent, reloadEgress } from "./_control.ts";
import { cleanup, cleanupPlan, enumerateActive, teardown } from "./cleanup.ts";
import { dockerChecks } from "./doctor.ts";
import { execInAgent } from "./exec.ts";
import { ensureDockerImage } from "./image.ts";
import {
  createNetworks,
  outsideAddresses,
  remove,
  sidecarStatus,
  startAgent,
  startSidecar,
} from "./launch.ts";
import { prepare } from "./prepare.ts";

export { DockerError } from "./_docker.ts";
export { type EnsuredImage, ensureDockerImage, type EnsureDockerImageOptions } from "./image.ts";

/** The docker backend. */
export const backend: Backend = Object.freeze({
  name: "docker" as const,
  async isAvailable() {
    try {
      const { code, stdout, stderr } = await docker(
        ["version", "--format", "{{.Server.Version}}"],
        { allowFailure: true, timeoutMs: 10_000 },
      );
      return code === 0
        ? { ok: true as const, detail: `docker engine ${stdout.trim()}` }
        : { ok: false as const, reason: `the docker engine does not answer: ${stderr.trim()}` };
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        return { ok: false as const, reason: "the docker CLI is not installed" };
      }
      throw err;
    }
  },
  checks: dockerChecks,
  prepare,
  async ensureImage(recipe: ImageRecipe, progress: Progress) {
    return (await ensureDockerImage(recipe, { progress })).tag;
  },
  createNetworks,
  startSidecar,
  startAgent,
  outsideAddresses,
  sidecarStatus,
  remove,
  exec: execInAgent,
  stop: teardown,
  enumerateActive,
  cleanupPlan,
  cleanup,
  commit: commitAgent,
  reloadEgress,
  superviseUrl: () => superviseUrl(),
});
