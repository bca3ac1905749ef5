/**
 * What launching an agent of a given provider takes, beyond its routes (which
 * `src/providers` owns): the image recipe and the default command. Claude and Codex are planned;
 * contrib plugins will fill the same shape from their `provider.yaml`.
 */
import { NotYetAvailableError } from "../../core/errors/mod.ts";

/** A provider as the launcher sees it. */
export interface ProviderLaunch {
  /** Template name. */
  template: string;
  /** URL of the provider's Dockerfile, shipped with bot-bottle (embedded in the binary). */
  dockerfile: string;
  /** The agent's default command. */
  command: readonly string[];
}

const SHELL: ProviderLaunch = Object.freeze({
  template: "shell",
  dockerfile: new URL("../../images/shell/Dockerfile", import.meta.url).href,
  command: Object.freeze(["bash", "-l"]),
});

/**
 * The launch recipe of a provider template.
 *
 * @param template The bottle's `agent_provider.template`.
 * @returns The recipe.
 * @throws {NotYetAvailableError} For a template this version cannot launch yet.
 */
export function providerLaunch(template: string): ProviderLaunch {
  if (template === "shell") return SHELL;
  throw new NotYetAvailableError(`agent provider "${template}"`);
}
