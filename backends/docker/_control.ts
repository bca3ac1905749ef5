/** Operations on a running bottle: commit its filesystem, reload its egress routes. */
import { docker } from "./_docker.ts";
import { bottleNames } from "./_names.ts";

/**
 * Snapshot the agent container to an image; the bottle keeps running.
 *
 * @param slug The bottle's slug.
 * @returns The image reference, `bot-bottle/committed-<slug>:<UTC timestamp>`.
 * @throws {DockerError} When the container does not exist or the commit fails.
 */
export async function commitAgent(slug: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
  const ref = `bot-bottle/committed-${slug}:${stamp}`;
  await docker(["commit", "--pause=false", bottleNames(slug).agent, ref]);
  return ref;
}

/**
 * Signal the sidecar to re-read the routes file (its init forwards SIGHUP to egress).
 *
 * @param slug The bottle's slug.
 * @throws {DockerError} When the sidecar is not running.
 */
export async function reloadEgress(slug: string): Promise<void> {
  await docker(["kill", "--signal", "HUP", bottleNames(slug).sidecar]);
}
