/**
 * The launch of a bottle, written once for every backend (SPEC §5): the sidecar's files, the
 * images, the networks, the sidecar, the agent, its provisioning and the isolation self-test, in
 * that order, over the primitives of `backends/types.ts`, then the copy of the working directory
 * into the agent's workspace. A failed launch removes what it made. `launchSpec` is the same
 * launch as data, for `--dry-run`; `measureWorkspace` refuses a folder too large to copy before
 * anything starts.
 *
 * @module
 * @example
 * ```ts ignore
 * import { launchBottle } from "./mod.ts";
 * const launched = await launchBottle(plan, secrets, { backend, progress: console.error });
 * console.log(launched.created);
 * ```
 */
export {
  type BottleRecipes,
  launchBottle,
  type LaunchedBottle,
  type LaunchOptions,
} from "./launch_bottle.ts";
export { LaunchError } from "./launch_error.ts";
export { launchSpec } from "./_specs.ts";
export { measureWorkspace, refuseGitCredentials, saveWorkspace } from "./_workspace.ts";
