/** Reading a bottle's audit log back as decisions. */
import { readRegularFile } from "../../core/regular_file/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { type AuditEntry, auditFiles, chainedEntrySchema, MAX_LOG_BYTES } from "./_chain.ts";

/**
 * Read a bottle's audit log.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The decisions, oldest first (without their chain fields); none when there is no log.
 * @throws {SyntaxError} When a line is not an audit entry (naming the line).
 * @throws {Error} When the log is a symlink, not a regular file, or too big to read.
 */
export async function readAudit(paths: HomePaths, slug: string): Promise<AuditEntry[]> {
  const { log } = auditFiles(paths, slug);
  const text = await readRegularFile(log, { maxBytes: MAX_LOG_BYTES, what: "audit log" }) ?? "";
  return text.split("\n").filter((line) => line !== "").map((line, i) => {
    let parsed;
    try {
      parsed = chainedEntrySchema.parse(JSON.parse(line));
    } catch (err) {
      throw new SyntaxError(`${log}:${i + 1}: not an audit entry`, { cause: err });
    }
    const { seq: _seq, prev: _prev, ...entry } = parsed;
    return entry;
  });
}
