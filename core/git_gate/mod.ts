/**
 * The git gate's wire format between the host and the sidecar (SPEC §6.2): the host renders
 * `repos.json` (no key material; keys are `keys/<name>` beside it) from the resolved manifest, and
 * the sidecar's git-gate daemon parses it again with the same schema, trusting nothing.
 *
 * @module
 * @example
 * ```ts
 * import { parseGateConfig, renderGateConfig } from "./mod.ts";
 * const text = renderGateConfig({
 *   repos: [{
 *     name: "app",
 *     url: "ssh://git@git.example.com/org/app.git",
 *     user: "git",
 *     host: "git.example.com",
 *     port: 22,
 *     path: "org/app.git",
 *     host_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4f",
 *     extra_hosts: {},
 *   }],
 * });
 * console.assert(parseGateConfig(text).config?.repos[0]?.name === "app");
 * ```
 */
export {
  type GateConfig,
  type GateRepo,
  GateRepoSchema,
  parseGateConfig,
  renderGateConfig,
} from "./_config.ts";
export { HOST_KEY_TYPES, SAFE_NAME_PATTERN } from "./_names.ts";
