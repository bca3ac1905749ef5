/**
 * Bottle plans: what a bottle runs and may reach, decided once from the manifests and the host
 * environment, the same for every backend. A plan holds no secret values; `resolveSecrets` reads
 * them at launch and they travel only in child process environments.
 *
 * @module
 * @example
 * ```ts
 * import { buildPlan, demoAgent } from "./mod.ts";
 * import { homePaths } from "../paths/mod.ts";
 * const plan = buildPlan(demoAgent(), {
 *   slug: "demo-1a2b3c",
 *   label: "demo",
 *   cwd: "/tmp",
 *   paths: homePaths({ BOT_BOTTLE_HOME: "/tmp/bb" }),
 *   hostEnv: {},
 * });
 * console.assert(plan.command.join(" ") === "bash -l");
 * console.assert(plan.paths.egress === "/tmp/bb/state/demo-1a2b3c/egress");
 * ```
 */
export type {
  AgentImageSource,
  BottlePlan,
  GitGatePlan,
  LaunchSecrets,
  PlannedEnv,
  SelfTestTargets,
  TokenSlot,
} from "./_types.ts";
export { buildPlan, type BuildPlanOptions } from "./build_plan.ts";
export { resolveSecrets, type ResolveSecretsOptions } from "./resolve_secrets.ts";
export { checkLabel, newSlug } from "./slug.ts";
export { SLUG_PATTERN } from "../paths/mod.ts";
export { DEMO_AGENT, demoAgent } from "./demo_agent.ts";
export { type LaunchSettings, launchSettings, runtimeSetting } from "./_settings.ts";
export { type ProviderLaunch, providerLaunch } from "./_provider_launch.ts";
