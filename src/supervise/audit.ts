/** The per-bottle audit log of operator decisions: `state/<slug>/audit.jsonl`, mode 0600. */
import type { HomePaths } from "../paths/mod.ts";
import type { Proposal } from "../../core/queue/mod.ts";
import { bottleFiles } from "./_files.ts";
import { appendLine } from "./_safe_fs.ts";

/** One decision, as one JSON line. */
export interface AuditEntry {
  /** ISO-8601 time of the decision. */
  time: string;
  /** The operator (OS user name). */
  who: string;
  /** The bottle's slug. */
  bottle: string;
  /** The proposal id. */
  id: string;
  /** The tool that made the proposal. */
  tool: Proposal["tool"];
  /** The decision. */
  decision: "approved" | "modified" | "rejected";
  /** The operator's reason ("" when none was given). */
  reason: string;
  /** The file before the decision (its text, or the proposal's hash when the host has none). */
  before: string;
  /** The file as applied, or `null` when nothing was applied. */
  after: string | null;
}

/**
 * Append a decision to the bottle's audit log.
 *
 * @param paths The bot-bottle home.
 * @param entry The decision.
 * @throws {Error} When the log is a symlink or not a regular file.
 */
export async function appendAudit(paths: HomePaths, entry: AuditEntry): Promise<void> {
  await appendLine(bottleFiles(paths, entry.bottle).audit, JSON.stringify(entry), "audit log");
}

/**
 * Read a bottle's audit log.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns The entries, oldest first; none when there is no log.
 */
export async function readAudit(paths: HomePaths, slug: string): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(bottleFiles(paths, slug).audit);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}
