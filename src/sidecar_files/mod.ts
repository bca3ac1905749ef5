/**
 * The files a bottle's sidecar and agent are started with, written by the host before launch
 * (SPEC §8): the rendered routes file (token slots only, never values), the bottle CA (key mode
 * 0600 in a 0700 dir, mounted into the sidecar only), the CA certificate alone for the agent, an
 * optional extra upstream CA, the operator queue, the git gate's config and key copies (sidecar
 * only), its mirrors directory, the agent's system gitconfig, and the passwd and group files that
 * give the sidecar's host uid a name.
 *
 * @module
 * @example
 * ```ts ignore
 * import { writeSidecarFiles } from "./mod.ts";
 * await writeSidecarFiles(plan, { uid: 1000, gid: 1000 });
 * ```
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
import { ConfigError, messageOf } from "../../core/errors/mod.ts";
import { AGENT_FILES, SIDECAR_FILES } from "../../core/sidecar_contract/mod.ts";
import type { BottlePlan } from "../plan/mod.ts";
import { stringifyRoutesFile } from "../../core/routes/mod.ts";
import { writeAgentGitconfig, writeGitGateFiles } from "./_git_gate.ts";
import { sidecarAccounts } from "./_passwd.ts";

/** The files inside `plan.paths.sidecarEtc`, mounted over the sidecar's own. */
export const SIDECAR_ETC_FILES = Object.freeze({ passwd: "passwd", group: "group" });

/** Options of {@link writeSidecarFiles}: who the sidecar runs as. */
export interface SidecarFilesOptions {
  /** The uid the sidecar runs as. */
  uid: number;
  /** The gid the sidecar runs as. */
  gid: number;
}

/**
 * Write everything the sidecar and the agent read at start. Safe to run again (resume): an
 * existing CA and the git mirrors are kept, every other file is replaced whole.
 *
 * @param plan The bottle plan.
 * @param options The sidecar's user and group ids.
 * @throws {ConfigError} When the upstream CA file or a git-gate key file cannot be used.
 * @throws {CaFileError} When an existing CA is unusable.
 */
export async function writeSidecarFiles(
  plan: BottlePlan,
  options: SidecarFilesOptions,
): Promise<void> {
  const { egress, agentCa, queue } = plan.paths;
  for (const dir of [plan.paths.state, egress, queue]) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    await Deno.chmod(dir, 0o700);
  }
  await Deno.mkdir(agentCa, { recursive: true, mode: 0o755 });
  // Replaced whole (a full disk leaves a resumed bottle's previous routes as they were); the
  // sidecar sees the new file at once because its mount is this directory (SPEC §12).
  await writeFileAtomic(
    join(egress, SIDECAR_FILES.routes),
    stringifyRoutesFile({ log: plan.logLevel, routes: plan.routes }),
    { mode: 0o600 },
  );
  // Loaded here, not at the top: the X.509 library takes about a third of the CLI's start-up
  // CPU, and launch calls this while its first docker commands run, which hides that cost.
  const { loadOrCreateCa } = await import("../../core/tls/mod.ts");
  const ca = await loadOrCreateCa(join(egress, SIDECAR_FILES.caDir));
  await writeFileAtomic(join(agentCa, AGENT_FILES.caCert), ca.certPem, { mode: 0o644 });
  if (plan.upstreamCaFile !== undefined) {
    let pem: string;
    try {
      pem = await Deno.readTextFile(plan.upstreamCaFile);
    } catch (err) {
      throw new ConfigError(
        `BOT_BOTTLE_EGRESS_UPSTREAM_CA "${plan.upstreamCaFile}" cannot be read: ${messageOf(err)}`,
        { cause: err },
      );
    }
    await writeFileAtomic(join(egress, SIDECAR_FILES.upstreamCa), pem, { mode: 0o644 });
  }
  await writeGitGateFiles(plan);
  await writeAgentGitconfig(plan);
  const accounts = sidecarAccounts(options.uid, options.gid);
  await Deno.mkdir(plan.paths.sidecarEtc, { recursive: true, mode: 0o755 });
  for (const [name, text] of [["passwd", accounts.passwd], ["group", accounts.group]] as const) {
    await writeFileAtomic(join(plan.paths.sidecarEtc, SIDECAR_ETC_FILES[name]), text, {
      mode: 0o644,
    });
  }
}
