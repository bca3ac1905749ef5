/**
 * The recipes of a bottle's images: the agent image (a provider's Dockerfile, the bottle's own, or
 * a committed image) and the sidecar image (built from this codebase: `images/sidecar/Dockerfile`
 * plus `sidecar/main.ts` bundled into one `sidecar.js`). Each backend builds them its own way
 * (`Backend.ensureImage`).
 *
 * A recipe is pure data with a content tag (`bot-bottle/<name>:<16 hex>`) derived from the
 * Dockerfile, every context file and the build arguments, so a backend skips the build
 * whenever an image with that tag exists and builds only after something that matters changed. A
 * compiled binary carries the sidecar bundle (`deno compile --include dist/sidecar.js`); from
 * source it is bundled once per source state and cached.
 *
 * @module
 * @example
 * ```ts
 * import { agentImageRecipe } from "./mod.ts";
 * const recipe = await agentImageRecipe(
 *   { kind: "provider", template: "shell", dockerfile: import.meta.resolve("../../images/shell/Dockerfile") },
 *   { baseImage: "bot-bottle-test/debian:bookworm" },
 * );
 * console.assert(/^bot-bottle\/agent-shell:[0-9a-f]{16}$/.test(recipe.tag));
 * console.assert(recipe.needsBuild && recipe.buildArgs.BASE_IMAGE === "bot-bottle-test/debian:bookworm");
 * ```
 */
export { type AgentImageOptions, agentImageRecipe } from "./agent_image_recipe.ts";
export {
  defaultSidecarBase,
  type SidecarImageOptions,
  sidecarImageRecipe,
} from "./sidecar_image_recipe.ts";
export { bundleSidecar, type BundleSidecarOptions } from "./bundle_sidecar.ts";
