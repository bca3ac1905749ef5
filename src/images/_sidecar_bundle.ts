/**
 * Where the sidecar's `sidecar.js` comes from. A compiled binary carries the bundle the release
 * built (`deno compile --include dist/sidecar.js`). From source it is bundled on demand and kept
 * in a cache keyed by the sources, so a warm start reads one file instead of re-bundling. A stale
 * `dist/sidecar.js` in a checkout is never used from source: only a compiled binary reads it.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { bundleSidecar } from "./bundle_sidecar.ts";
import { ImageBuildError } from "../../core/errors/mod.ts";

/** Options of {@link sidecarBundle}. */
export interface SidecarBundleOptions {
  /** Where bundles built from source are cached. */
  cacheDir: string;
  /** The repository to bundle from source. */
  root: string;
  /** The bundle embedded in a compiled binary. */
  embedded: URL;
  /** Whether this is a compiled binary (`Deno.build.standalone`). */
  standalone: boolean;
}

const CACHED = /^sidecar-[0-9a-f]{32}\.js$/;

/** The host code that makes the bundle: a change to it makes a different bundle. */
const BUNDLING_FILES = ["src/images/bundle_sidecar.ts", "src/images/_latin1_comments.ts"];

/**
 * The bytes of `sidecar.js`.
 *
 * @param options Where to look and where to cache.
 * @returns The bundle.
 * @throws {ImageBuildError} When bundling fails or a compiled binary carries no bundle.
 */
export async function sidecarBundle(options: SidecarBundleOptions): Promise<Uint8Array> {
  if (options.standalone) return await embeddedBundle(options.embedded);
  const name = `sidecar-${(await sourceDigest(options.root)).slice(0, 32)}.js`;
  const cached = join(options.cacheDir, name);
  try {
    return await Deno.readFile(cached);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(options.cacheDir, { recursive: true });
  // Bundle beside the final name and rename, so a concurrent start never reads half a file.
  const partial = await Deno.makeTempFile({
    dir: options.cacheDir,
    prefix: ".sidecar-",
    suffix: ".js",
  });
  try {
    await bundleSidecar(partial, { root: options.root });
    await Deno.rename(partial, cached);
  } finally {
    await Deno.remove(partial).catch(() => {});
  }
  await pruneOthers(options.cacheDir, name);
  return await Deno.readFile(cached);
}

/**
 * A sha256 over what decides the bundle: every `.ts` file under `sidecar/` and `core/` (path
 * and contents: the sidecar imports nothing else), `deno.json`, `deno.lock`, the bundling code
 * itself (it rewrites the output) and the bundling Deno's version.
 *
 * @param root The repository.
 * @returns The hex digest.
 */
export async function sourceDigest(root: string): Promise<string> {
  const files = [
    ...await tsFiles(root, "sidecar"),
    ...await tsFiles(root, "core"),
    "deno.json",
    "deno.lock",
    ...BUNDLING_FILES,
  ];
  // Read all at once: one after the other, the ~360 reads were most of a warm start's wait for
  // the images (93 ms).
  const contents = await Promise.all(
    files.map((file) =>
      Deno.readFile(join(root, file)).catch((err: unknown) => {
        if (err instanceof Deno.errors.NotFound) return undefined;
        throw err;
      })
    ),
  );
  const hash = createHash("sha256");
  hash.update(`deno ${Deno.version.deno}\n`);
  files.forEach((file, i) => {
    const bytes = contents[i];
    hash.update(`${JSON.stringify([file, bytes?.length ?? -1])}\n`);
    if (bytes !== undefined) hash.update(bytes);
  });
  return hash.digest("hex");
}

async function tsFiles(root: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of Deno.readDir(join(root, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await tsFiles(root, path));
    else if (entry.isFile && entry.name.endsWith(".ts")) found.push(path);
  }
  return found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function embeddedBundle(url: URL): Promise<Uint8Array> {
  try {
    return await Deno.readFile(url);
  } catch (err) {
    throw new ImageBuildError(
      "this bot-bottle binary carries no sidecar bundle (dist/sidecar.js); rebuild it with `deno task compile`",
      { tag: "bot-bottle/sidecar", output: [], cause: err },
    );
  }
}

/** Bundles of older sources are never read again; keep the cache at one file. */
async function pruneOthers(dir: string, keep: string): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && entry.name !== keep && CACHED.test(entry.name)) {
      await Deno.remove(join(dir, entry.name)).catch(() => {});
    }
  }
}
