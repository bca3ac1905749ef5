/**
 * The base images `doctor` asks the default backend about: the sidecar's and the agent's, as the
 * host settings name them, else their defaults (the agent's is the shell provider's, which the
 * built-in demo runs).
 */
import { BASE_IMAGE_SETTINGS, ConfigError } from "../../core/errors/mod.ts";
import type { BaseImageSetting, HostCheck } from "../../backends/mod.ts";
import { defaultSidecarBase } from "../images/mod.ts";
import { launchSettings } from "../plan/mod.ts";

const SHELL_DOCKERFILE = new URL("../../images/shell/Dockerfile", import.meta.url);

/**
 * The base images a first `start` needs.
 *
 * @param env The host environment.
 * @returns The images, or a `fail` check naming a malformed setting.
 */
export async function baseImages(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ images: BaseImageSetting[]; problem?: HostCheck }> {
  let settings: { agent?: string; sidecar?: string };
  try {
    settings = launchSettings(env).baseImages;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { images: [], problem: { status: "fail", name: "base images", detail: err.message } };
  }
  const images: BaseImageSetting[] = [
    { image: settings.sidecar ?? defaultSidecarBase(), setting: BASE_IMAGE_SETTINGS.sidecar },
  ];
  const agent = settings.agent ?? shellDefault(await Deno.readTextFile(SHELL_DOCKERFILE));
  if (agent !== undefined) images.push({ image: agent, setting: BASE_IMAGE_SETTINGS.agent });
  return { images };
}

/** The `ARG BASE_IMAGE=` default of a Dockerfile. */
function shellDefault(dockerfile: string): string | undefined {
  return /^ARG\s+BASE_IMAGE=(\S+)\s*$/m.exec(dockerfile)?.[1];
}
