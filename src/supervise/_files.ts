/** Where a bottle's supervise-related files live on the host (SPEC §8). */
import { join } from "node:path";
import { SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import { bottlePaths, type HomePaths } from "../paths/mod.ts";

/**
 * The host paths one decision touches.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The live routes file, the approved Dockerfile and the queue dir.
 */
export function bottleFiles(paths: HomePaths, slug: string): {
  routes: string;
  dockerfile: string;
  queue: string;
} {
  const state = paths.stateDir(slug);
  return {
    routes: join(bottlePaths(paths, slug).egress, SIDECAR_FILES.routes),
    // Alone in its folder: the folder is the build context, and the state holds the CA key.
    dockerfile: join(state, "image", "Dockerfile"),
    queue: paths.queueDir(slug),
  };
}

/**
 * Where an approved `capability-block` Dockerfile is kept for a bottle: `resume` builds from it.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The file's path (it may not exist).
 */
export function approvedDockerfilePath(paths: HomePaths, slug: string): string {
  return bottleFiles(paths, slug).dockerfile;
}
