/**
 * Finding and removing what the macos-container backend created, by label only (no state
 * needed): `stop` for one bottle, `enumerateActive` and `cleanup` across all of them. Lists come
 * from `container list --all --format json` and `container network list --format json`.
 */
import { removeObjects } from "../../core/engine_cli/mod.ts";
import type { ActiveBottle, CleanupStep } from "../types.ts";
import { type ContainerCli, ContainerCliError } from "./_cli.ts";
import { type ContainerInfo, parseContainers, parseImageRefs, parseNetworks } from "./_inspect.ts";
import { bottleNames, SLUG_LABEL } from "./_names.ts";

/** Seconds the sidecar gets to stop its daemons before it is killed. */
const SIDECAR_GRACE_SECONDS = 5;

/** Images bot-bottle builds; committed ones (`bot-bottle/committed-…`) are the user's. */
const BUILT_PREFIX = "bot-bottle/";
const COMMITTED_PREFIX = "bot-bottle/committed-";

async function containers(cli: ContainerCli, slug?: string): Promise<ContainerInfo[]> {
  const all = parseContainers(await cli.json(["list", "--all", "--format", "json"]));
  return all.filter((c) =>
    c.labels[SLUG_LABEL] !== undefined && (slug === undefined || c.labels[SLUG_LABEL] === slug)
  );
}

async function networks(cli: ContainerCli, slug?: string): Promise<{ id: string; slug: string }[]> {
  const all = parseNetworks(await cli.json(["network", "list", "--format", "json"]));
  return all.flatMap((n) => {
    const owner = n.labels[SLUG_LABEL];
    return owner !== undefined && (slug === undefined || owner === slug)
      ? [{ id: n.id, slug: owner }]
      : [];
  });
}

/**
 * Remove one bottle's containers and networks. Idempotent.
 *
 * @param slug The bottle's slug.
 * @throws {ContainerCliError} When something still exists after its removal was tried.
 */
export async function teardown(cli: ContainerCli, slug: string): Promise<void> {
  const names = bottleNames(slug);
  const found = await containers(cli, slug);
  const agents = found.filter((c) => c.id !== names.sidecar).map((c) => c.id);
  if (agents.length > 0) await cli.run(["delete", "--force", ...agents], { allowFailure: true });
  if (found.some((c) => c.id === names.sidecar)) {
    // SIGTERM first: the sidecar's init stops its daemons cleanly within the grace period.
    await cli.run(["stop", "--time", String(SIDECAR_GRACE_SECONDS), names.sidecar], {
      allowFailure: true,
    });
    await cli.run(["delete", "--force", names.sidecar], { allowFailure: true });
  }
  const left = await containers(cli, slug);
  if (left.length > 0) {
    throw new ContainerCliError(["delete", ...left.map((c) => c.id)], {
      code: 1,
      stderr: `containers of bottle ${slug} are still there: ${left.map((c) => c.id).join(", ")}`,
    });
  }
  const nets = (await networks(cli, slug)).map((n) => n.id);
  if (nets.length > 0) await cli.run(["network", "delete", ...nets], { allowFailure: true });
  const netsLeft = (await networks(cli, slug)).map((n) => n.id);
  if (netsLeft.length > 0) {
    throw new ContainerCliError(["network", "delete", ...netsLeft], {
      code: 1,
      stderr: `networks of bottle ${slug} are still there: ${netsLeft.join(", ")}`,
    });
  }
}

/**
 * Bottles with at least one container, grouped by slug.
 *
 * @returns One entry per bottle.
 */
export async function enumerateActive(cli: ContainerCli): Promise<ActiveBottle[]> {
  const bySlug = new Map<string, ActiveBottle>();
  for (const c of await containers(cli)) {
    const slug = c.labels[SLUG_LABEL] ?? "";
    const entry = bySlug.get(slug) ?? {
      backend: "macos-container" as const,
      slug,
      label: c.labels["bot-bottle.label"] ?? "",
      agent: c.labels["bot-bottle.agent"] ?? "",
      services: [],
    };
    entry.services.push(`${c.labels["bot-bottle.role"] ?? "unknown"}:${c.status}`);
    bySlug.set(slug, entry);
  }
  return [...bySlug.values()].sort((a, b) => a.slug.localeCompare(b.slug));
}

/**
 * Containers and networks of bottles not in `keep`, and built images no container uses.
 *
 * @param keep Slugs whose objects stay (live bottles).
 * @returns The steps.
 */
export async function cleanupPlan(
  cli: ContainerCli,
  keep: ReadonlySet<string>,
): Promise<CleanupStep[]> {
  const steps: CleanupStep[] = [];
  const all = await containers(cli);
  for (const c of all) {
    const slug = c.labels[SLUG_LABEL] ?? "";
    if (!keep.has(slug)) steps.push({ kind: "container", name: c.id, slug });
  }
  for (const n of await networks(cli)) {
    if (!keep.has(n.slug)) steps.push({ kind: "network", name: n.id, slug: n.slug });
  }
  const leaving = new Set(steps.map((s) => s.name));
  const inUse = new Set(
    parseContainers(await cli.json(["list", "--all", "--format", "json"]))
      .filter((c) => !leaving.has(c.id)).map((c) => c.image),
  );
  const images = parseImageRefs(await cli.json(["image", "list", "--format", "json"]));
  for (const ref of images) {
    if (ref.startsWith(BUILT_PREFIX) && !ref.startsWith(COMMITTED_PREFIX) && !inUse.has(ref)) {
      steps.push({ kind: "image", name: ref });
    }
  }
  return steps;
}

/**
 * Remove what {@link cleanupPlan} listed; containers before networks before images.
 *
 * @param steps The steps.
 * @returns One warning per step that failed.
 */
export function cleanup(cli: ContainerCli, steps: readonly CleanupStep[]): Promise<string[]> {
  return removeObjects(cli, steps, {
    container: ["delete", "--force"],
    network: ["network", "delete"],
    image: ["image", "delete"],
  });
}
