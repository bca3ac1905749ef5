/**
 * Test support: what the parity matrix's engine hooks report, read from the memory engine's world
 * (the memory backend, and smolmachines' sidecar host), and the routes file a sidecar's egress
 * mount shows on any engine.
 */
import { join } from "node:path";
import type { MemoryWorld } from "../../backends/memory/mod.ts";
import { SIDECAR_FILES, SIDECAR_MOUNTS } from "../../core/sidecar_contract/mod.ts";
import type { Attached, EngineObject } from "./parity_matrix.ts";

/**
 * The routes file a sidecar sees through its egress mount.
 *
 * @param mounts The sidecar's mounts as the engine holds them: host source, container target.
 * @returns The file's content.
 * @throws {Error} When nothing is mounted at the egress directory.
 */
export async function mountedRoutes(
  mounts: readonly { source: string; target: string }[],
): Promise<string> {
  const egress = mounts.find((m) => m.target === SIDECAR_MOUNTS.egress);
  if (egress === undefined) throw new Error(`nothing is mounted at ${SIDECAR_MOUNTS.egress}`);
  return await Deno.readTextFile(join(egress.source, SIDECAR_FILES.routes));
}

/**
 * The memory engine's objects whose name carries the slug, with the slug the engine labelled
 * each with.
 *
 * @param world The engine.
 * @param slug The bottle.
 * @returns The objects.
 */
export function memoryObjectsNamed(world: MemoryWorld, slug: string): EngineObject[] {
  return [...world.objects.values()].filter((o) => o.name.includes(slug))
    .map((o) => ({ kind: o.kind, name: o.name, labels: { "bot-bottle.slug": o.bottle.slug } }));
}

/**
 * The networks a memory container is attached to: only a bottle's internal network has no
 * route out (an egress network, made or given, does).
 *
 * @param world The engine.
 * @param container The container's name.
 * @returns Its attachments.
 */
export function memoryAttachments(world: MemoryWorld, container: string): Attached[] {
  return (world.objects.get(container)?.networks ?? []).map((network) => ({
    network,
    routeOut: world.objects.get(network)?.role !== "internal",
  }));
}

/**
 * A memory sidecar's environment (settings and secret values) and the routes file it mounts.
 *
 * @param world The engine.
 * @param container The sidecar's name.
 * @returns What it sees.
 * @throws {Error} When the engine holds no such container.
 */
export async function memorySidecarSees(
  world: MemoryWorld,
  container: string,
): Promise<{ env: Record<string, string>; routes: string }> {
  const object = world.objects.get(container);
  if (object === undefined) throw new Error(`memory engine: no ${container}`);
  return {
    env: { ...object.env, ...world.secrets.get(container) },
    routes: await mountedRoutes(object.mounts ?? []),
  };
}
