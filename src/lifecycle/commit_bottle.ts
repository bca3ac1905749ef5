/**
 * `commit`: snapshot a running bottle's agent filesystem to an image. The bottle keeps running;
 * its state records the image and is preserved, so the next `resume` boots from it.
 */
import { UsageError } from "../../core/errors/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type BackendRegistry, findActive, isLive, scanActive } from "./listing/mod.ts";
import { BottleState } from "./state.ts";

/**
 * Commit a bottle.
 *
 * @param slug The bottle's slug, or undefined for the only running bottle.
 * @param options The backends and the home.
 * @returns The slug and the image reference.
 * @throws {UsageError} Without a slug, when not exactly one bottle runs (they are listed).
 * @throws {NotFoundError} When the bottle does not run, or has no state to record the image in.
 */
export async function commitBottle(
  slug: string | undefined,
  options: { registry: BackendRegistry; paths: HomePaths },
): Promise<{ slug: string; image: string }> {
  const scan = await scanActive(options.registry);
  const target = slug ?? onlyLive(scan.bottles.filter(isLive).map((b) => b.slug));
  const { backend } = findActive(scan, target);
  const state = new BottleState(options.paths, target);
  const metadata = await state.read();
  const image = await backend.commit(target);
  await state.write({ ...metadata, committed_image: image });
  await state.preserve();
  return { slug: target, image };
}

function onlyLive(slugs: string[]): string {
  const [only, ...more] = slugs;
  if (only === undefined) throw new UsageError("no running bottle to commit");
  if (more.length > 0) {
    throw new UsageError(
      `several bottles are running (${slugs.join(", ")}): bot-bottle commit <slug>`,
    );
  }
  return only;
}
