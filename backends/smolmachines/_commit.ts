/**
 * Snapshot a bottle's machine to a pack that `resume` boots (`machine create --from`). smolvm
 * packs only a stopped machine (`smolvm pack create --from-vm NAME -o PATH` writes
 * `PATH.smolmachine`: smol-machines/smolvm `src/cli/pack.rs`, and the same three steps its own
 * init-layer bake runs in `src/cli/machine.rs`), so the machine is stopped, packed and started
 * again: its files are kept, its running processes are not. The pack holds no secret (smolvm
 * never persists a secret reference's value) and no bottle environment beyond the image's.
 */
import { join } from "node:path";
import { machineArgs, PACK_SUFFIX } from "./_argv.ts";
import type { SmolContext } from "./_context.ts";
import { machineName } from "./_names.ts";
import { SmolvmError } from "./_smolvm.ts";

/**
 * Pack the machine and start it again.
 *
 * @param ctx The backend.
 * @param slug The bottle's slug.
 * @returns The pack's path, `<runDir>/committed/committed-<slug>-<UTC stamp>.smolmachine`.
 * @throws {SmolvmError} When the machine does not exist or smolvm cannot pack it.
 */
export async function commitMachine(ctx: SmolContext, slug: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").toLowerCase();
  const dir = join(ctx.runDir, "committed");
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const output = join(dir, `committed-${slug}-${stamp}`);
  const args = ["pack", "create", "--from-vm", machineName(slug), "--output", output];
  await ctx.cli.run(machineArgs("stop", slug));
  try {
    await ctx.cli.run(args);
  } finally {
    await ctx.cli.run(machineArgs("start", slug), { timeoutMs: 120_000 });
  }
  const pack = `${output}${PACK_SUFFIX}`;
  const made = await Deno.stat(pack).then((s) => s.isFile, () => false);
  if (!made) throw new SmolvmError(args, { code: 0, stderr: `no pack was written at ${pack}` });
  return pack;
}
