/**
 * A bottle's state directory on the host (SPEC §8): `~/.bot-bottle/state/<slug>/`, mode 0700,
 * holding `metadata.json` and, when the state must outlive a clean exit, a `.preserve` marker.
 * The state is deleted at a clean exit unless preserved, and kept on a non-zero exit so
 * `resume` can use it; `cleanup` reaps kept state that is neither preserved nor live.
 */
import { join } from "node:path";
import { z } from "zod";
import { BACKEND_NAMES, type BackendName } from "../../backends/mod.ts";
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
import { ConfigError, NotFoundError, UsageError } from "../../core/errors/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { SLUG_PATTERN } from "../paths/mod.ts";
import { BOTTLE_COLORS, METADATA_FILE } from "./listing/mod.ts";

/** What `metadata.json` records about a bottle. */
export const metadataSchema = z.looseObject({
  slug: z.string().regex(SLUG_PATTERN).describe("The bottle's slug (its state dir name)"),
  agent: z.string().regex(/^[a-z][a-z0-9-]*$/).describe("The agent it runs"),
  bottle: z.string().regex(/^[a-z][a-z0-9-]*$/).describe("The agent's bottle"),
  backend: z.enum(BACKEND_NAMES as [BackendName, ...BackendName[]]).describe(
    "The backend it runs on",
  ),
  label: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/).describe("What `list active` shows"),
  color: z.enum(BOTTLE_COLORS).optional().describe("The color given with --color"),
  cwd: z.string().min(1).describe("The directory `start` ran in (repo-local agents live there)"),
  started_at: z.iso.datetime().describe("When the bottle was last launched (ISO-8601, UTC)"),
  committed_image: z.string().min(1).optional().describe("The image `commit` made, for `resume`"),
});

/** The content of `metadata.json`. */
export type BottleMetadata = z.infer<typeof metadataSchema>;

const PRESERVE = ".preserve";
const LOCK = ".lock";

/** One bottle's state directory. */
export class BottleState {
  readonly #slug: string;
  readonly #dir: string;
  readonly #queue: string;

  /**
   * @param paths The bot-bottle home.
   * @param slug The bottle's slug.
   * @throws {UsageError} When `slug` is not a slug (it becomes a path that gets deleted).
   */
  constructor(paths: HomePaths, slug: string) {
    if (!SLUG_PATTERN.test(slug)) {
      throw new UsageError(
        `"${slug}" is not a bottle slug (lower-case letters, digits and dashes; see list active)`,
      );
    }
    this.#slug = slug;
    this.#dir = paths.stateDir(slug);
    this.#queue = paths.queueDir(slug);
  }

  /** The directory's path. */
  get dir(): string {
    return this.#dir;
  }

  /** Whether the directory exists. */
  async exists(): Promise<boolean> {
    return await exists(this.#dir);
  }

  /**
   * Create the directory (0700) and write its metadata; fails if it exists already.
   *
   * @param metadata The bottle's metadata.
   * @throws {ConfigError} When the directory exists (another bottle owns the slug).
   * @throws {Error} When the metadata cannot be written; the directory is removed again.
   */
  async create(metadata: BottleMetadata): Promise<void> {
    await Deno.mkdir(join(this.#dir, ".."), { recursive: true, mode: 0o700 });
    try {
      await Deno.mkdir(this.#dir, { mode: 0o700 });
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      throw new ConfigError(
        `Cannot create the state of bottle "${this.#slug}": ${this.#dir} already exists`,
        { cause: err },
      );
    }
    // mkdir's mode is filtered by the umask; the state may hold CA keys.
    await Deno.chmod(this.#dir, 0o700);
    try {
      await this.write(metadata);
    } catch (err) {
      // No state without metadata (a full disk): nothing would ever know whose it is.
      await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
      throw err;
    }
  }

  /**
   * Hold the bottle's lock for as long as this process runs it (launch, command, teardown), so
   * that `cleanup` in another process leaves a bottle alone while it is still coming up.
   *
   * @returns A handle that releases the lock.
   */
  async hold(): Promise<AsyncDisposable> {
    const file = await Deno.open(join(this.#dir, LOCK), { create: true, write: true, mode: 0o600 });
    await file.lock(true);
    return {
      async [Symbol.asyncDispose]() {
        // The directory may be gone by now (a clean exit removes it); the lock goes with the fd.
        await file.unlock().catch(() => {});
        file.close();
      },
    };
  }

  /**
   * Whether another process holds the bottle's lock right now.
   *
   * @returns True while some `start` or `resume` is running this bottle.
   */
  async held(): Promise<boolean> {
    let file: Deno.FsFile;
    try {
      file = await Deno.open(join(this.#dir, LOCK), { write: true });
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return false;
      throw err;
    }
    try {
      const free = await file.tryLock(true);
      if (free) await file.unlock();
      return !free;
    } finally {
      file.close();
    }
  }

  /**
   * Read `metadata.json`.
   *
   * @returns The metadata.
   * @throws {NotFoundError} When the bottle has no state (naming the directory).
   * @throws {ConfigError} When the file is not valid metadata.
   */
  async read(): Promise<BottleMetadata> {
    const file = join(this.#dir, METADATA_FILE);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      throw new NotFoundError(
        `No state for bottle "${this.#slug}": ${file} does not exist`,
        { cause: err },
      );
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`Cannot read ${file}: it is not JSON`, { cause: err });
    }
    const parsed = metadataSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(
        `Cannot read ${file}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message}`,
        { cause: parsed.error },
      );
    }
    if (parsed.data.slug !== this.#slug) {
      throw new ConfigError(`Cannot read ${file}: it belongs to "${parsed.data.slug}"`);
    }
    return parsed.data;
  }

  /**
   * Write `metadata.json` (0600) atomically: a temp file in the same directory, then rename.
   *
   * @param metadata The metadata.
   */
  async write(metadata: BottleMetadata): Promise<void> {
    const text = `${JSON.stringify(metadata, null, 2)}\n`;
    await writeFileAtomic(join(this.#dir, METADATA_FILE), text, { mode: 0o600 });
  }

  /** Whether the `.preserve` marker exists. */
  async preserved(): Promise<boolean> {
    return await exists(join(this.#dir, PRESERVE));
  }

  /** Create the `.preserve` marker: the state outlives a clean exit and `cleanup`. */
  async preserve(): Promise<void> {
    await Deno.writeTextFile(join(this.#dir, PRESERVE), "", { mode: 0o600 });
  }

  /** Remove the `.preserve` marker, if any. */
  async unpreserve(): Promise<void> {
    await Deno.remove(join(this.#dir, PRESERVE)).catch(ignoreNotFound);
  }

  /** Delete the state directory and the bottle's queue directory; absent ones are fine. */
  async remove(): Promise<void> {
    await Deno.remove(this.#dir, { recursive: true }).catch(ignoreNotFound);
    await Deno.remove(this.#queue, { recursive: true }).catch(ignoreNotFound);
  }
}

/**
 * The slugs that have a state directory.
 *
 * @param paths The bot-bottle home.
 * @returns Slugs, sorted; names that are not slugs are skipped.
 */
export async function stateSlugs(paths: HomePaths): Promise<string[]> {
  const slugs: string[] = [];
  try {
    for await (const entry of Deno.readDir(paths.state)) {
      if (entry.isDirectory && SLUG_PATTERN.test(entry.name)) slugs.push(entry.name);
    }
  } catch (err) {
    ignoreNotFound(err);
  }
  return slugs.sort();
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    ignoreNotFound(err);
    return false;
  }
}

function ignoreNotFound(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}
