/** The sidecar image: `images/sidecar/Dockerfile` and `sidecar.js`, bundled from this codebase. */
import { sidecarBundle } from "./_sidecar_bundle.ts";
import { contentTag } from "./_digest.ts";
import { SOURCE_ROOT } from "./bundle_sidecar.ts";
import type { ImageRecipe } from "../../backends/mod.ts";

/** Options of {@link sidecarImageRecipe}. */
export interface SidecarImageOptions {
  /** `BASE_IMAGE` build argument; defaults to {@link defaultSidecarBase}. */
  baseImage?: string;
  /** Where bundles built from source are cached (unused by a compiled binary). */
  cacheDir: string;
  /** The repository to bundle from; defaults to the one this module is in. */
  sourceRoot?: string;
}

/**
 * The official Deno image of the running Deno version: the bundle is built by this Deno (or
 * compiled into this binary), so it runs on the same version.
 *
 * @returns e.g. `denoland/deno:debian-2.9.6`.
 */
export function defaultSidecarBase(): string {
  return `denoland/deno:debian-${Deno.version.deno}`;
}

/**
 * How to build the sidecar image.
 *
 * @param options Base image and bundle cache.
 * @returns A recipe tagged `bot-bottle/sidecar:<digest>`; the digest covers the Dockerfile, the
 *   bundle and the base image name.
 * @throws {ImageBuildError} When the bundle cannot be made.
 */
export async function sidecarImageRecipe(options: SidecarImageOptions): Promise<ImageRecipe> {
  const dockerfile = await Deno.readFile(
    new URL("../../images/sidecar/Dockerfile", import.meta.url),
  );
  const bundle = await sidecarBundle({
    cacheDir: options.cacheDir,
    root: options.sourceRoot ?? SOURCE_ROOT,
    embedded: new URL("../../dist/sidecar.js", import.meta.url),
    standalone: options.sourceRoot === undefined && Deno.build.standalone,
  });
  const buildArgs = { BASE_IMAGE: options.baseImage ?? defaultSidecarBase() };
  const files = new Map([["Dockerfile", dockerfile], ["sidecar.js", bundle]]);
  const entries = [...files].map(([name, bytes]) => ({
    name,
    type: "file" as const,
    executable: false,
    bytes,
  }));
  return {
    needsBuild: true,
    tag: contentTag("bot-bottle/sidecar", {
      role: "sidecar",
      dockerfile: "Dockerfile",
      buildArgs,
      entries,
    }),
    role: "sidecar",
    buildArgs,
    context: { kind: "files", files },
  };
}
