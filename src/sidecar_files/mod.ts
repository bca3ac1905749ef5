/**
 * The files a bottle's sidecar and agent are started with, written by the host before launch
 * (SPEC §8): the rendered routes file (token slots only, never values), the bottle CA (key mode
 * 0600 in a 0700 dir, mounted into the sidecar only), the CA certificate alone for the agent, an
 * optional extra upstream CA, and the operator queue.
 *
 * @module
 * @example
 * ```ts ignore
 * import { writeSidecarFiles } from "./mod.ts";
 * await writeSidecarFiles(plan);
 * ```
 */
import { join } from "node:path";
import { loadOrCreateCa } from "../../sidecar/tls/mod.ts";
import { ConfigError } from "../errors/mod.ts";
import type { BottlePlan } from "../plan/mod.ts";
import { stringifyRoutesFile } from "../routes/mod.ts";

/** The file names inside `plan.paths.egress`, as the sidecar expects them. */
export const SIDECAR_FILES = Object.freeze({
  routes: "routes.yaml",
  caDir: "ca",
  upstreamCa: "upstream-ca.pem",
});

/**
 * Write everything the sidecar and the agent read at start. Safe to run again (resume): an
 * existing CA is kept, the routes file is rewritten in place.
 *
 * @param plan The bottle plan.
 * @throws {ConfigError} When the upstream CA file cannot be read.
 * @throws {CaFileError} When an existing CA is unusable.
 */
export async function writeSidecarFiles(plan: BottlePlan): Promise<void> {
  const { egress, agentCa, queue } = plan.paths;
  for (const dir of [plan.paths.state, egress, queue]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
  }
  await Deno.mkdir(agentCa, { recursive: true, mode: 0o755 });
  // In place, never rename: the sidecar sees this directory through a bind mount (SPEC §12).
  await Deno.writeTextFile(
    join(egress, SIDECAR_FILES.routes),
    stringifyRoutesFile({ log: plan.logLevel, routes: plan.routes }),
    { mode: 0o600 },
  );
  const ca = await loadOrCreateCa(join(egress, SIDECAR_FILES.caDir));
  await Deno.writeTextFile(join(agentCa, "ca.pem"), ca.certPem, { mode: 0o644 });
  if (plan.upstreamCaFile !== undefined) {
    let pem: string;
    try {
      pem = await Deno.readTextFile(plan.upstreamCaFile);
    } catch (err) {
      throw new ConfigError(
        `BOT_BOTTLE_EGRESS_UPSTREAM_CA "${plan.upstreamCaFile}" cannot be read: ${
          err instanceof Error ? err.message : String(err)
        }`,
        { cause: err },
      );
    }
    await Deno.writeTextFile(join(egress, SIDECAR_FILES.upstreamCa), pem, { mode: 0o644 });
  }
}
