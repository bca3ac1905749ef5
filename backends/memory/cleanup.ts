/** Finding and removing what the memory backend created, by bottle (no state needed). */
import type { ActiveBottle, BackendName, CleanupStep } from "../types.ts";
import type { MemoryWorld } from "./_world.ts";

/**
 * Remove one bottle's containers and networks; idempotent.
 *
 * @param world The engine.
 * @param slug The bottle.
 */
export function teardown(world: MemoryWorld, slug: string): void {
  const objects = world.of(slug);
  for (const kind of ["container", "network"] as const) {
    for (const object of objects.filter((o) => o.kind === kind)) {
      world.commands.push(["memory", "rm", object.name]);
      world.objects.delete(object.name);
    }
  }
}

/**
 * Bottles with at least one container, grouped by slug.
 *
 * @param world The engine.
 * @param backend The name the backend answers to.
 * @returns One entry per bottle.
 */
export function enumerateActive(world: MemoryWorld, backend: BackendName): ActiveBottle[] {
  const bySlug = new Map<string, ActiveBottle>();
  for (const object of world.of().filter((o) => o.kind === "container")) {
    const { slug, label, agent } = object.bottle;
    const entry = bySlug.get(slug) ?? { backend, slug, label, agent, services: [] };
    entry.services.push(`${object.role}:${object.state}`);
    bySlug.set(slug, entry);
  }
  return [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * The objects of bottles not in `keep`, containers first.
 *
 * @param world The engine.
 * @param keep Slugs whose objects stay.
 * @returns The steps.
 */
export function cleanupPlan(world: MemoryWorld, keep: ReadonlySet<string>): CleanupStep[] {
  return world.of().filter((o) => !keep.has(o.bottle.slug))
    .sort((a, b) => (a.kind === b.kind ? 0 : a.kind === "container" ? -1 : 1))
    .map((o) => ({ kind: o.kind, name: o.name, slug: o.bottle.slug }));
}

/**
 * Remove what {@link cleanupPlan} listed.
 *
 * @param world The engine.
 * @param steps The steps.
 * @returns One warning per object that was not there.
 */
export function cleanup(world: MemoryWorld, steps: readonly CleanupStep[]): string[] {
  const warnings: string[] = [];
  for (const step of steps) {
    if (step.kind === "state") continue;
    world.commands.push(["memory", "rm", step.name]);
    if (!world.objects.delete(step.name)) {
      warnings.push(`could not remove ${step.kind} ${step.name}: no such object`);
    }
  }
  return warnings;
}
