/**
 * Finding and removing what the docker backend created, by label only (no state needed):
 * `stop` for one bottle, `enumerateActive` and `cleanup` across all of them.
 */
import { removeObjects } from "../../core/engine_cli/mod.ts";
import type { ActiveBottle, CleanupStep } from "../types.ts";
import { type DockerCli, DockerError } from "./_docker.ts";
import { bottleNames, SLUG_LABEL } from "./_names.ts";

/** Seconds the sidecar gets to stop its daemons before it is killed. */
const SIDECAR_GRACE_SECONDS = 5;

interface LabelledContainer {
  name: string;
  slug: string;
  role: string;
  label: string;
  agent: string;
  state: string;
}

async function containers(cli: DockerCli, slug?: string): Promise<LabelledContainer[]> {
  const filter = slug === undefined ? SLUG_LABEL : `${SLUG_LABEL}=${slug}`;
  const { formats } = cli.dialect;
  const format = [
    "{{.Names}}",
    ...[SLUG_LABEL, "bot-bottle.role", "bot-bottle.label", "bot-bottle.agent"].map(formats.psLabel),
    formats.psState,
  ].join("\t");
  const { stdout } = await cli.run([
    "ps",
    "--all",
    "--filter",
    `label=${filter}`,
    "--format",
    format,
  ]);
  return stdout.split("\n").filter((line) => line !== "").map((line) => {
    const [name = "", s = "", role = "", label = "", agent = "", state = ""] = line.split("\t");
    return { name, slug: s, role, label, agent, state };
  });
}

async function networks(cli: DockerCli, slug?: string): Promise<{ name: string; slug: string }[]> {
  const filter = slug === undefined ? SLUG_LABEL : `${SLUG_LABEL}=${slug}`;
  const { stdout } = await cli.run([
    "network",
    "ls",
    "--filter",
    `label=${filter}`,
    "--format",
    `{{.Name}}\t${cli.dialect.formats.networkLabel(SLUG_LABEL)}`,
  ]);
  return stdout.split("\n").filter((line) => line !== "").map((line) => {
    const [name = "", s = ""] = line.split("\t");
    return { name, slug: s };
  });
}

/**
 * Remove one bottle's containers and networks. Idempotent, and safe to run while another
 * teardown of the same bottle is under way: a removal that fails is fine as long as the object
 * is gone afterwards.
 *
 * @param slug The bottle's slug.
 * @throws {DockerError} When something still exists after its removal was tried.
 */
export async function teardown(cli: DockerCli, slug: string): Promise<void> {
  const names = bottleNames(slug);
  const found = await containers(cli, slug);
  const agents = found.filter((c) => c.name !== names.sidecar).map((c) => c.name);
  if (agents.length > 0) {
    await cli.run(["rm", "--force", "--volumes", ...agents], { allowFailure: true });
  }
  if (found.some((c) => c.name === names.sidecar)) {
    // SIGTERM first: the sidecar's init stops its daemons cleanly within the grace period.
    await cli.run(["stop", "--time", String(SIDECAR_GRACE_SECONDS), names.sidecar], {
      allowFailure: true,
    });
    await cli.run(["rm", "--force", "--volumes", names.sidecar], { allowFailure: true });
  }
  const left = await settled(() => containers(cli, slug));
  if (left.length > 0) {
    throw new DockerError(["rm", ...left.map((c) => c.name)], {
      code: 1,
      stderr: `containers of bottle ${slug} are still there: ${left.map((c) => c.name).join(", ")}`,
    }, cli.dialect.name);
  }
  const nets = (await networks(cli, slug)).map((n) => n.name);
  if (nets.length > 0) await cli.run(["network", "rm", ...nets], { allowFailure: true });
  const netsLeft = await settled(() => networks(cli, slug));
  if (netsLeft.length > 0) {
    throw new DockerError(["network", "rm", ...netsLeft.map((n) => n.name)], {
      code: 1,
      stderr: `networks of bottle ${slug} are still there: ${
        netsLeft.map((n) => n.name).join(", ")
      }`,
    }, cli.dialect.name);
  }
}

/** What is left once a concurrent removal (another teardown, `cleanup`) had time to finish. */
async function settled<T>(list: () => Promise<T[]>): Promise<T[]> {
  for (let attempt = 0;; attempt++) {
    const left = await list();
    if (left.length === 0 || attempt === 10) return left;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/**
 * Bottles with at least one container, grouped by slug.
 *
 * @returns One entry per bottle.
 */
export async function enumerateActive(cli: DockerCli): Promise<ActiveBottle[]> {
  const bySlug = new Map<string, ActiveBottle>();
  for (const c of await containers(cli)) {
    const entry = bySlug.get(c.slug) ??
      { backend: cli.dialect.name, slug: c.slug, label: c.label, agent: c.agent, services: [] };
    entry.services.push(`${c.role}:${c.state}`);
    bySlug.set(c.slug, entry);
  }
  return [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * Containers and networks of bottles not in `keep`.
 *
 * @param keep Slugs whose objects stay (live bottles).
 * @returns The steps.
 */
export async function cleanupPlan(
  cli: DockerCli,
  keep: ReadonlySet<string>,
): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  for (const c of await containers(cli)) {
    if (!keep.has(c.slug)) steps.push({ kind: "container", name: c.name, slug: c.slug });
  }
  for (const n of await networks(cli)) {
    if (!keep.has(n.slug)) steps.push({ kind: "network", name: n.name, slug: n.slug });
  }
  steps.push(...await unusedBuiltImages(cli, steps));
  return steps;
}

/**
 * Agent and sidecar images bot-bottle built (label `bot-bottle.image`) that no container uses
 * once the planned containers are gone; a later start rebuilds what it needs in about a second.
 * Committed images are the user's snapshots and stay.
 */
async function unusedBuiltImages(
  cli: DockerCli,
  steps: readonly CleanupStep[],
): Promise<CleanupStep[]> {
  const { stdout } = await cli.run([
    "image",
    "ls",
    "--filter",
    "label=bot-bottle.image",
    "--format",
    "{{.Repository}}:{{.Tag}}",
  ]);
  const leaving = new Set(steps.filter((s) => s.kind === "container").map((s) => s.name));
  const inUse = new Set(
    (await cli.run(["ps", "--all", "--format", "{{.Names}}\t{{.Image}}"])).stdout.split("\n")
      .map((line) => line.split("\t"))
      .filter(([name, image]) => name !== undefined && image !== undefined && !leaving.has(name))
      .map(([, image]) => image),
  );
  return stdout.split("\n").filter((ref) => ref !== "" && !ref.endsWith(":<none>"))
    .filter((ref) => !inUse.has(ref))
    .map((ref) => ({ kind: "image" as const, name: ref }));
}

/**
 * Remove what {@link cleanupPlan} listed; containers before networks before images.
 *
 * @param steps The steps.
 * @returns One warning per step that failed.
 */
export function cleanup(cli: DockerCli, steps: readonly CleanupStep[]): Promise<string[]> {
  return removeObjects(cli, steps, {
    container: ["rm", "--force", "--volumes"],
    network: ["network", "rm"],
    image: ["image", "rm"],
  });
}
