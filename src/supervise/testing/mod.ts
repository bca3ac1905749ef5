/**
 * Test support for supervise: a bottle with state, a live routes file and a queue in a temp home,
 * proposals queued as a sidecar would, and a backend double that records reloads.
 *
 * @module
 * @example
 * ```ts
 * import { homePaths } from "../../paths/mod.ts";
 * import { makeBottle, queueProposal } from "./mod.ts";
 * const paths = homePaths({ BOT_BOTTLE_HOME: await Deno.makeTempDir() });
 * await makeBottle(paths, "dev-1");
 * console.assert((await queueProposal(paths, "dev-1")).tool === "egress-allow");
 * await Deno.remove(paths.root, { recursive: true });
 * ```
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { BottleState } from "../../lifecycle/mod.ts";
import type { HomePaths } from "../../paths/mod.ts";
import { type Proposal, writeProposal } from "../../../core/queue/mod.ts";

/** A live routes file with one credentialed host and one open host. */
export const LIVE_ROUTES = `routes:
  - host: api.github.com
    auth:
      scheme: Bearer
      token_ref: GH_TOKEN
  - host: pypi.org
`;

/**
 * Create a bottle's state (metadata naming `backend`), live routes file and queue directory.
 *
 * @param paths The temp home.
 * @param slug The bottle's slug.
 * @returns The live routes file's path.
 */
export async function makeBottle(paths: HomePaths, slug: string): Promise<string> {
  await new BottleState(paths, slug).create({
    slug,
    agent: "dev",
    bottle: "base",
    backend: "docker",
    label: "dev",
    cwd: "/repo",
    started_at: "2025-01-01T00:00:00.000Z",
  });
  await Deno.mkdir(join(paths.stateDir(slug), "egress"), { recursive: true, mode: 0o700 });
  await Deno.mkdir(paths.queueDir(slug), { recursive: true, mode: 0o700 });
  const routes = join(paths.stateDir(slug), "egress", "routes.yaml");
  await Deno.writeTextFile(routes, LIVE_ROUTES, { mode: 0o600 });
  return routes;
}

/**
 * Queue a proposal as a sidecar would.
 *
 * @param paths The temp home.
 * @param slug The bottle's slug.
 * @param fields The tool and file; the rest defaults (an egress proposal is made against
 *   {@link LIVE_ROUTES}, as the sidecar records the live file it read).
 * @returns The proposal.
 */
export async function queueProposal(
  paths: HomePaths,
  slug: string,
  fields: Partial<Omit<Proposal, "id" | "arrival_timestamp" | "bottle_slug">> = {},
): Promise<Proposal> {
  const tool = fields.tool ?? "egress-allow";
  return await writeProposal(paths.queueDir(slug), {
    bottle_slug: slug,
    tool,
    proposed_file: `${LIVE_ROUTES}  - host: registry.npmjs.org\n`,
    justification: "npm install needs the registry\nsecond line",
    current_file_hash: tool === "egress-allow"
      ? createHash("sha256").update(LIVE_ROUTES).digest("hex")
      : "",
    ...fields,
  });
}

/** A backend double that records reloads, or fails them. */
export function reloadRecorder(fail?: Error): {
  reloads: string[];
  backendFor: (name: string) => { reloadEgress(slug: string): Promise<void> };
} {
  const reloads: string[] = [];
  return {
    reloads,
    backendFor: (name) => ({
      reloadEgress(slug) {
        reloads.push(`${name}:${slug}`);
        return fail === undefined ? Promise.resolve() : Promise.reject(fail);
      },
    }),
  };
}
