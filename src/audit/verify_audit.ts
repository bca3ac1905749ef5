/** `audit verify`: check a bottle's audit log against its hash chain and its head. */
import { NotFoundError, UsageError } from "../../core/errors/mod.ts";
import { readRegularFile } from "../../core/regular_file/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { SLUG_PATTERN } from "../plan/mod.ts";
import { auditFiles, MAX_LOG_BYTES } from "./_chain.ts";
import { type AuditBreak, findBreak } from "./_find_break.ts";
import { type HeadState, readHead } from "./_head.ts";

/** What {@link verifyAudit} found. */
export interface AuditVerdict {
  /** The log's path. */
  log: string;
  /** How many lines the log has. */
  lines: number;
  /** The first break, when the chain is broken. */
  broken?: AuditBreak;
}

/**
 * Verify a bottle's audit log.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The log's path, its line count and, when broken, the first broken line.
 * @throws {UsageError} When `slug` is not a slug.
 * @throws {NotFoundError} When the bottle has no state directory.
 * @throws {Error} When the log is a symlink, not a regular file, or too big to read.
 */
export async function verifyAudit(paths: HomePaths, slug: string): Promise<AuditVerdict> {
  if (!SLUG_PATTERN.test(slug)) {
    throw new UsageError(`"${slug}" is not a bottle slug (see bot-bottle list active)`);
  }
  const dir = paths.stateDir(slug);
  if (!await Deno.lstat(dir).then((info) => info.isDirectory, () => false)) {
    throw new NotFoundError(`No state for bottle "${slug}": ${dir} does not exist`);
  }
  const files = auditFiles(paths, slug);
  // A shared lock: an append in progress finishes (line and head) before the log is read.
  const locked = await lockShared(files.log);
  let text: string | undefined;
  let head: HeadState;
  try {
    text = await readRegularFile(files.log, { maxBytes: MAX_LOG_BYTES, what: "audit log" });
    head = await readHead(files.head);
  } finally {
    locked?.close();
  }
  const content = text ?? "";
  const lines = content === "" ? 0 : content.split("\n").length - (content.endsWith("\n") ? 1 : 0);
  const broken = findBreak(content, head);
  return { log: files.log, lines, ...(broken === undefined ? {} : { broken }) };
}

/** The state directory is the host's alone: nothing swaps the checked log for a FIFO. */
async function lockShared(path: string): Promise<Deno.FsFile | undefined> {
  const info = await Deno.lstat(path).catch(() => undefined);
  // Not a regular file: nothing to lock, and the read refuses it with the reason.
  if (info === undefined || !info.isFile) return undefined;
  const file = await Deno.open(path, { read: true });
  await file.lock(false);
  return file;
}
