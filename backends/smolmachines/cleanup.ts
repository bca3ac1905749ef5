/**
 * Finding and removing what the smolmachines backend created, without state: machines by name
 * prefix and slug label (`smolvm machine ls --json`, which lists each machine's `name`, `state`
 * and `labels`: smol-machines/smolvm `src/cli/vm_common.rs` `list_vms` and `CreateCmd::labels`),
 * and their sidecars through the docker backend's own teardown and cleanup by label. A bottle
 * belongs to this backend while it has a machine.
 */
import type { ActiveBottle, CleanupStep } from "../types.ts";
import { deleteArgs } from "./_argv.ts";
import type { SmolContext } from "./_context.ts";
import { MACHINE_PREFIX, machineName, SLUG_LABEL } from "./_names.ts";
import { removeSecretFiles } from "./_secret_files.ts";
import { SmolvmError } from "./_smolvm.ts";

/** One bottle machine, as `machine ls --json` reports it. */
interface BottleMachine {
  name: string;
  slug: string;
  label: string;
  agent: string;
  state: string;
}

/**
 * The bottle machines smolvm knows, running or not.
 *
 * @param ctx The backend.
 * @returns Machines named `bot-bottle-vm-<slug>` whose slug label agrees.
 * @throws {SmolvmError} When smolvm fails or prints something that is not a list.
 */
export async function machines(ctx: SmolContext): Promise<BottleMachine[]> {
  const args = ["machine", "ls", "--json"];
  const { stdout } = await ctx.cli.run(args);
  let listed: unknown;
  try {
    listed = JSON.parse(stdout);
  } catch {
    listed = undefined;
  }
  if (!Array.isArray(listed)) {
    throw new SmolvmError(args, { code: 0, stderr: `expected a JSON list, got: ${stdout}` });
  }
  return listed.flatMap((entry): BottleMachine[] => {
    const name = String(entry?.name ?? "");
    const labels: Record<string, unknown> = entry?.labels ?? {};
    const slug = String(labels[SLUG_LABEL] ?? "");
    if (!name.startsWith(MACHINE_PREFIX) || name !== machineName(slug)) return [];
    return [{
      name,
      slug,
      label: String(labels["bot-bottle.label"] ?? ""),
      agent: String(labels["bot-bottle.agent"] ?? ""),
      state: String(entry?.state ?? "unknown"),
    }];
  });
}

/**
 * Remove one bottle: its machine, its secret files, then its sidecar and networks.
 *
 * @param ctx The backend.
 * @param slug The bottle's slug.
 * @throws {SmolvmError} When the machine is still there after its deletion was tried.
 */
export async function teardown(ctx: SmolContext, slug: string): Promise<void> {
  const name = machineName(slug);
  if ((await machines(ctx)).some((m) => m.name === name)) {
    const { code, stderr } = await ctx.cli.run(deleteArgs(name), { allowFailure: true });
    if (code !== 0 && (await machines(ctx)).some((m) => m.name === name)) {
      throw new SmolvmError(deleteArgs(name), { code, stderr });
    }
  }
  await removeSecretFiles(ctx.runDir, slug);
  await ctx.sidecars.stop(slug);
}

/**
 * The bottles with a machine, with their sidecar's state from its engine.
 *
 * @param ctx The backend.
 * @returns One entry per machine.
 */
export async function enumerateActive(ctx: SmolContext): Promise<ActiveBottle[]> {
  const found = await machines(ctx);
  const sidecars = await ctx.sidecars.enumerateActive();
  return found.map((m) => ({
    backend: "smolmachines" as const,
    slug: m.slug,
    label: m.label,
    agent: m.agent,
    services: [
      `agent:${m.state}`,
      ...(sidecars.find((b) => b.slug === m.slug)?.services ?? [])
        .filter((s) => s.startsWith("sidecar:")),
    ],
  }));
}

/**
 * Machines of bottles not kept, and the sidecar engine's objects of those same bottles.
 *
 * @param ctx The backend.
 * @param keep Slugs whose objects stay.
 * @returns The steps.
 */
export async function cleanupPlan(
  ctx: SmolContext,
  keep: ReadonlySet<string>,
): Promise<CleanupStep[]> {
  const gone = (await machines(ctx)).filter((m) => !keep.has(m.slug));
  const slugs = new Set(gone.map((m) => m.slug));
  const docker = (await ctx.sidecars.cleanupPlan(keep))
    .filter((s) => s.slug !== undefined && slugs.has(s.slug));
  return [
    ...gone.map((m) => ({ kind: "container" as const, name: m.name, slug: m.slug })),
    ...docker,
  ];
}

/**
 * Remove what {@link cleanupPlan} listed, best effort.
 *
 * @param ctx The backend.
 * @param steps The steps.
 * @returns One warning per step that failed.
 */
export async function cleanup(ctx: SmolContext, steps: readonly CleanupStep[]): Promise<string[]> {
  const warnings: string[] = [];
  const others: CleanupStep[] = [];
  for (const step of steps) {
    if (step.kind !== "container" || !step.name.startsWith(MACHINE_PREFIX)) {
      others.push(step);
      continue;
    }
    const { code, stderr } = await ctx.cli.run(deleteArgs(step.name), { allowFailure: true });
    if (code !== 0) warnings.push(`machine ${step.name}: ${stderr.trim() || `exit ${code}`}`);
    if (step.slug !== undefined) await removeSecretFiles(ctx.runDir, step.slug);
  }
  return [...warnings, ...await ctx.sidecars.cleanup(others)];
}
