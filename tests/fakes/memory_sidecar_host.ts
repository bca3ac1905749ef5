/**
 * Test support: the memory backend as a smolmachines sidecar host, the docker-side equivalent
 * the smolmachines tests run their sidecars on (no engine, every command recorded).
 */
import type { MemoryBackend } from "../../backends/memory/mod.ts";
import type { SidecarHost } from "../../backends/mod.ts";

/** The egress subnet every memory sidecar host reports. */
export const MEMORY_EGRESS_SUBNET = "10.99.1.0/24";

/**
 * A sidecar host over a memory backend: its primitives, a fixed egress subnet, and image
 * archives that hold the image's tag.
 *
 * @param memory The memory backend.
 * @returns The host.
 */
export function memorySidecarHost(memory: MemoryBackend): SidecarHost {
  return {
    isAvailable: () => memory.isAvailable(),
    checks: (run, host) => memory.checks(run, host),
    prepare: (spec) => memory.prepare(spec),
    ensureImage: (recipe, progress) => memory.ensureImage(recipe, progress),
    createNetworks: (step, spec) => memory.createNetworks(step, spec),
    startSidecar: (step, spec, options) => memory.startSidecar(step, spec, options),
    outsideAddresses: (bottle, networks) => memory.outsideAddresses(bottle, networks),
    sidecarStatus: (slug) => memory.sidecarStatus(slug),
    remove: (object) => memory.remove(object),
    stop: (slug) => memory.stop(slug),
    enumerateActive: () => memory.enumerateActive(),
    cleanupPlan: (keep) => memory.cleanupPlan(keep),
    cleanup: (steps) => memory.cleanup(steps),
    reloadEgress: (slug) => memory.reloadEgress(slug),
    subnet: () => Promise.resolve(MEMORY_EGRESS_SUBNET),
    save: async (tag, file) => {
      memory.world.commands.push(["memory", "save", "--output", file, tag]);
      await Deno.writeTextFile(file, tag);
    },
  };
}
