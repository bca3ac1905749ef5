/**
 * `cleanup`: one plan across every backend (leftover containers, networks, images of bottles
 * that no longer run) plus orphan state directories, then removal, best effort. A state
 * directory is an orphan when it is not preserved and its bottle is not live; a broken bottle
 * (its sidecar or agent stopped) counts as not live, since it cannot work any more. When its
 * backend cannot be asked, liveness is unknown and the state is kept. A bottle whose state lock
 * a running `start` or `resume` holds is live even before its containers run, so its half-made
 * objects stay too.
 */
import type { Backend, CleanupStep } from "../../backends/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type BackendRegistry, isBroken, isLive, scanActive } from "./listing/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";
import { BottleState, stateSlugs } from "./state.ts";

/** Everything `cleanup` would remove. */
export interface CleanupPlan {
  /** Per backend, the objects it would remove. */
  backends: { backend: Backend; steps: CleanupStep[] }[];
  /** Orphan state directories (kind `state`). */
  state: (CleanupStep & { slug: string })[];
  /** Things the operator should know (backends not asked, state kept). */
  warnings: string[];
}

/**
 * Plan a cleanup.
 *
 * @param registry The backends.
 * @param paths The bot-bottle home.
 * @returns The plan; nothing is removed.
 */
export async function planCleanup(
  registry: BackendRegistry,
  paths: HomePaths,
): Promise<CleanupPlan> {
  const scan = await scanActive(registry);
  const live = new Set(scan.bottles.filter((b) => isLive(b) && !isBroken(b)).map((b) => b.slug));
  for (const slug of await stateSlugs(paths)) {
    if (await new BottleState(paths, slug).held()) live.add(slug);
  }
  const plan: CleanupPlan = { backends: [], state: [], warnings: [...scan.warnings] };
  // An object two backends list (docker lists a smolmachines bottle's sidecar by its labels too)
  // is planned once, by the first.
  const planned = new Set<string>();
  for (const backend of scan.available) {
    const steps: CleanupStep[] = [];
    for (const step of await backend.cleanupPlan(live)) {
      const key = `${step.kind}\u0000${step.name}`;
      if (planned.has(key)) continue;
      planned.add(key);
      steps.push(step);
    }
    if (steps.length > 0) plan.backends.push({ backend, steps });
  }
  for (const slug of await stateSlugs(paths)) {
    const state = new BottleState(paths, slug);
    if (live.has(slug) || await state.preserved()) continue;
    const backend = await state.read().then((m) => m.backend, () => undefined);
    if (backend !== undefined && !scan.available.some((b) => b.name === backend)) {
      plan.warnings.push(
        `keeping ${state.dir}: backend ${backend} cannot be asked whether it runs`,
      );
      continue;
    }
    plan.state.push({ kind: "state", name: state.dir, slug });
  }
  return plan;
}

/**
 * Carry out a cleanup plan, best effort: every step is tried.
 *
 * @param plan The plan from {@link planCleanup}.
 * @param paths The bot-bottle home.
 * @returns One warning per step that failed.
 */
export async function runCleanup(plan: CleanupPlan, paths: HomePaths): Promise<string[]> {
  const warnings: string[] = [];
  for (const { backend, steps } of plan.backends) {
    try {
      warnings.push(...await backend.cleanup(steps));
    } catch (err) {
      warnings.push(`backend ${backend.name} cleanup failed: ${messageOf(err)}`);
    }
  }
  for (const step of plan.state) {
    try {
      await new BottleState(paths, step.slug).remove();
    } catch (err) {
      warnings.push(`could not remove ${step.name}: ${messageOf(err)}`);
    }
  }
  return warnings;
}
