/**
 * Content tags. The digest covers everything that decides what `docker build` produces from our
 * side: the role label, the Dockerfile's name, the build arguments and every context entry (name,
 * type, executable bit, bytes). Each part is length-prefixed so that no two inputs encode alike.
 */
import { createHash } from "node:crypto";
import type { ImageRole } from "../../backends/mod.ts";

/** One entry of a build context, as the digest sees it. */
export interface ContextEntry {
  /** Path inside the context, `/`-separated. */
  name: string;
  /** What the entry is; a symlink's bytes are its target. */
  type: "file" | "dir" | "symlink" | "other";
  /** Whether any execute bit is set (COPY keeps it). */
  executable: boolean;
  /** File contents, symlink target, or nothing. */
  bytes: Uint8Array;
}

/** What {@link contentTag} digests. */
export interface TagInput {
  /** The image's role. */
  role: ImageRole;
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  /** Build arguments. */
  buildArgs: Readonly<Record<string, string>>;
  /** Every context entry. */
  entries: readonly ContextEntry[];
}

const FORMAT = 1;

/**
 * The content-addressed tag of an image.
 *
 * @param repository e.g. `bot-bottle/sidecar`.
 * @param input What goes into the digest.
 * @returns `<repository>:<first 16 hex digits of the sha256>`.
 */
export function contentTag(repository: string, input: TagInput): string {
  const hash = createHash("sha256");
  const args = Object.entries(input.buildArgs).sort(([a], [b]) => compare(a, b));
  const header = JSON.stringify([FORMAT, input.role, input.dockerfile, args, input.entries.length]);
  hash.update(`${header}\n`);
  for (const entry of [...input.entries].sort((a, b) => compare(a.name, b.name))) {
    hash.update(
      `${JSON.stringify([entry.name, entry.type, entry.executable, entry.bytes.length])}\n`,
    );
    hash.update(entry.bytes);
  }
  return `${repository}:${hash.digest("hex").slice(0, 16)}`;
}

/** Code-unit order, so the digest never depends on the host's locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
