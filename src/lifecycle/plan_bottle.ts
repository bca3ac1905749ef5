/**
 * Planning a bottle before anything exists: its slug (from `--label` or the agent's name), the
 * plan every backend runs, and this backend's steps. Pure apart from reading which slugs are
 * taken, so `--dry-run` shows exactly what `start` would do.
 */
import type { Backend, PreparedBottle } from "../../backends/mod.ts";
import { UsageError } from "../../core/errors/mod.ts";
import type { ResolvedAgent } from "../manifest/mod.ts";
import { launchSpec } from "../launch/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type BottlePlan, buildPlan, checkLabel, newSlug } from "../plan/mod.ts";
import { type BottleMetadata, BottleState } from "./state.ts";

/** Options of {@link chooseSlug}. */
export interface ChooseSlugOptions {
  /** The bot-bottle home (a state dir of the same name means the slug is taken). */
  paths: HomePaths;
  /** Slugs of bottles any backend runs. */
  active: ReadonlySet<string>;
  /** `--label`, used as the slug. */
  label?: string;
}

/**
 * The slug and label of a new bottle.
 *
 * @param agent The agent's name.
 * @param options The home, the slugs in use and `--label`.
 * @returns The slug and the label `list active` shows.
 * @throws {UsageError} For an invalid `--label`, or one a bottle or a kept state dir uses.
 */
export async function chooseSlug(
  agent: string,
  options: ChooseSlugOptions,
): Promise<{ slug: string; label: string }> {
  const taken = async (slug: string) =>
    options.active.has(slug) || await new BottleState(options.paths, slug).exists();
  if (options.label !== undefined) {
    const label = checkLabel(options.label);
    if (await taken(label)) {
      throw new UsageError(
        `--label "${label}" is taken: a bottle or its kept state (${
          options.paths.stateDir(label)
        }) uses it; stop it, resume it, or choose another label`,
      );
    }
    return { slug: label, label };
  }
  // Six random hex digits: a clash is rare, but a kept state dir must never be reused.
  for (let attempt = 0; attempt < 8; attempt++) {
    const slug = newSlug(agent);
    if (!await taken(slug)) return { slug, label: agent };
  }
  throw new Error(`Cannot start agent "${agent}": no free slug found; run bot-bottle cleanup`);
}

/** Options of {@link planBottle}. */
export interface PlanBottleOptions {
  /** The backend that will run it. */
  backend: Backend;
  /** The slug. */
  slug: string;
  /** The label. */
  label: string;
  /** The directory the bottle is for. */
  cwd: string;
  /** The host folder copied into the workspace; none: it starts empty. */
  workspace?: string;
  /** A saved workspace to put back instead (`resume`). */
  workspaceArchive?: string;
  /** The bot-bottle home. */
  paths: HomePaths;
  /** The host environment (launch settings). */
  hostEnv: Readonly<Record<string, string | undefined>>;
  /** `-- <cmd…>`. */
  command?: readonly string[];
  /** A committed image to boot (`resume`). */
  committedImage?: string;
  /** This start resumes a bottle (the provider continues its conversation). */
  resume?: boolean;
  /** The bottle's `--color` (the agent's statusline shows it). */
  color?: string;
  /** A Dockerfile the operator approved, built ahead of a committed image (`resume`). */
  approvedDockerfile?: string;
}

/**
 * The plan and the backend's steps for it.
 *
 * @param agent The resolved agent.
 * @param options Backend, slug, label and host settings.
 * @returns The plan and the prepared steps.
 * @throws {NotYetAvailableError} For a provider or feature this version cannot launch yet.
 * @throws {ConfigError} For an invalid launch setting in the host environment.
 */
export function planBottle(
  agent: ResolvedAgent,
  options: PlanBottleOptions,
): { plan: BottlePlan; prepared: PreparedBottle } {
  const plan = buildPlan(agent, {
    slug: options.slug,
    label: options.label,
    cwd: options.cwd,
    ...(options.workspace === undefined ? {} : { workspace: options.workspace }),
    ...(options.workspaceArchive === undefined
      ? {}
      : { workspaceArchive: options.workspaceArchive }),
    paths: options.paths,
    hostEnv: options.hostEnv,
    ...(options.command === undefined ? {} : { command: options.command }),
    ...(options.committedImage === undefined ? {} : { committedImage: options.committedImage }),
    ...(options.resume === true ? { resume: true } : {}),
    ...(options.color === undefined ? {} : { color: options.color }),
    ...(options.approvedDockerfile === undefined
      ? {}
      : { approvedDockerfile: options.approvedDockerfile }),
  });
  return {
    plan,
    prepared: options.backend.prepare(launchSpec(plan, options.backend.superviseUrl(plan.slug))),
  };
}

/**
 * The metadata a launch records.
 *
 * @param plan The plan.
 * @param options The backend, `--color`, a committed image, and the launch time.
 * @returns The metadata.
 */
export function metadataFor(
  plan: BottlePlan,
  options: {
    backend: Backend;
    color?: BottleMetadata["color"];
    committedImage?: string;
    now?: Date;
  },
): BottleMetadata {
  return {
    slug: plan.slug,
    agent: plan.agent,
    bottle: plan.bottle,
    backend: options.backend.name,
    label: plan.label,
    ...(options.color === undefined ? {} : { color: options.color }),
    cwd: plan.cwd,
    started_at: (options.now ?? new Date()).toISOString(),
    ...(options.committedImage === undefined ? {} : { committed_image: options.committedImage }),
  };
}
