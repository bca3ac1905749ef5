/**
 * Bottle lifecycle (SPEC §4, §8): plan, launch, run, tear down, stop, resume, commit and clean
 * up bottles on whichever backend runs them. The CLI commands are thin front-ends over this
 * module; every decision about state (what is kept, what is deleted) is made here.
 *
 * Rules: a bottle's state directory `~/.bot-bottle/state/<slug>/` (0700) holds `metadata.json`;
 * it is deleted at a clean exit and kept on a non-zero exit, a failed teardown or Ctrl-C during
 * the command; `commit` adds a `.preserve` marker so the state also survives a clean exit and
 * `cleanup`; a resumed bottle drops the marker once it is up. Teardown runs once, however many
 * paths reach it.
 *
 * @module
 * @example
 * ```ts
 * import { BottleState, chooseSlug } from "./mod.ts";
 * import { homePaths } from "../paths/mod.ts";
 * const paths = homePaths({ BOT_BOTTLE_HOME: await Deno.makeTempDir() });
 * const { slug, label } = await chooseSlug("dev", { paths, active: new Set() });
 * console.assert(label === "dev" && slug.startsWith("dev-"));
 * console.assert(!await new BottleState(paths, slug).exists());
 * await Deno.remove(paths.root, { recursive: true });
 * ```
 */
export { agentChoices, resolveAgent } from "./agents.ts";
export { chooseBackend, type ChooseBackendOptions } from "./backends.ts";
export {
  type ActiveScan,
  type BackendRegistry,
  BOTTLE_COLORS,
  brokenHint,
  defaultRegistry,
  findActive,
  isBroken,
  isLive,
  recordedColor,
  scanActive,
  takenSlugs,
} from "./listing/mod.ts";
export { type CleanupPlan, planCleanup, runCleanup } from "./cleanup_plan.ts";
export { commitBottle } from "./commit_bottle.ts";
export { execInBottle } from "./exec_in_bottle.ts";
export { type CopiedOut, copyOut, printable } from "./copy_out.ts";
export { UnsafeArchiveError } from "./_untar.ts";
export {
  InterruptedError,
  type InterruptSource,
  type ManualInterrupts,
  manualInterrupts,
  processInterrupts,
} from "./interrupt/mod.ts";
export {
  chooseSlug,
  type ChooseSlugOptions,
  metadataFor,
  planBottle,
  type PlanBottleOptions,
} from "./plan_bottle.ts";
export { resumeTarget } from "./resume_target.ts";
export { runBottle, type RunBottleOptions, type RunOutcome } from "./run_bottle.ts";
export { type SessionLog } from "./_session.ts";
export { type BottleMetadata, BottleState, metadataSchema, stateSlugs } from "./state.ts";
export { stopBottle, type StopOutcome } from "./stop_bottle.ts";
