/** Where a bottle's supervise-related files live on the host (SPEC §8). */
import { join } from "node:path";
import type { HomePaths } from "../paths/mod.ts";

/**
 * The host paths one decision touches.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The live routes file, the approved Dockerfile, the audit log and the queue dir.
 */
export function bottleFiles(paths: HomePaths, slug: string): {
  routes: string;
  dockerfile: string;
  audit: string;
  queue: string;
} {
  const state = paths.stateDir(slug);
  return {
    routes: join(state, "egress", "routes.yaml"),
    dockerfile: join(state, "Dockerfile.approved"),
    audit: join(state, "audit.jsonl"),
    queue: paths.queueDir(slug),
  };
}
