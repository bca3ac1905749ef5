/**
 * The shape of a chained audit log (SPEC §6.3). Each line of `audit.jsonl` is one JSON object:
 * a decision plus `seq` (its 0-based position) and `prev` (the hash of the line before it, or
 * {@link GENESIS} for the first). A line's hash is the SHA-256, in lower-case hex, of its exact
 * bytes as stored: UTF-8, without the newline that ends it. `audit.head` beside the log records
 * how many entries were written, the last one's hash and the log's size, which is what makes a
 * cut-off end (or a deleted log) visible.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { PROPOSAL_TOOLS } from "../../core/queue/mod.ts";
import type { HomePaths } from "../paths/mod.ts";

/** The `prev` of the first entry: 64 zeros. */
export const GENESIS = "0".repeat(64);

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits");

/** One operator decision, as the audit log records it. */
export const auditEntrySchema = z.object({
  time: z.string().describe("ISO-8601 time of the decision"),
  who: z.string().describe("The operator (OS user name)"),
  bottle: z.string().describe("The bottle's slug"),
  id: z.string().describe("The proposal id"),
  tool: z.enum(PROPOSAL_TOOLS).describe("The tool that made the proposal"),
  decision: z.enum(["approved", "modified", "rejected"]).describe("The decision"),
  reason: z.string().describe('The operator\'s reason ("" when none was given)'),
  before: z.string().describe("The file before (its text, or the proposal's hash)"),
  after: z.string().nullable().describe("The file as applied, or null when nothing was"),
}).strict();

/** One decision. */
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** A line of the log: a decision with its place in the chain. */
export const chainedEntrySchema = z.object({
  seq: z.number().int().min(0).describe("0-based position in the log"),
  prev: sha256.describe("Hash of the line before, or GENESIS for the first"),
  ...auditEntrySchema.shape,
}).strict();

/** A line of the log, parsed. */
export type ChainedEntry = z.infer<typeof chainedEntrySchema>;

/** What `audit.head` records after each append. */
export const auditHeadSchema = z.object({
  entries: z.number().int().min(0).describe("How many entries were written"),
  last: sha256.describe("Hash of the last line written (GENESIS when none)"),
  bytes: z.number().int().min(0).describe("The log's size after the last append"),
}).strict();

/** The content of `audit.head`. */
export type AuditHead = z.infer<typeof auditHeadSchema>;

/** The head of a log nothing was written to. */
export const EMPTY_HEAD: AuditHead = Object.freeze({ entries: 0, last: GENESIS, bytes: 0 });

/** The most bytes `audit.head` may hold (it holds three small fields). */
export const MAX_HEAD_BYTES = 4096;

/** The most bytes a log is read whole for (a decision is at most two capped files). */
export const MAX_LOG_BYTES = 256 * 1024 * 1024;

/**
 * The hash of one line, as the next line's `prev` and the head's `last` record it.
 *
 * @param line The line as stored, without its newline.
 * @returns SHA-256 of its UTF-8 bytes, lower-case hex.
 */
export function lineHash(line: string): string {
  return createHash("sha256").update(line, "utf8").digest("hex");
}

/**
 * Where a bottle's audit log and its head live.
 *
 * @param paths The bot-bottle home.
 * @param slug The bottle's slug.
 * @returns `state/<slug>/audit.jsonl` and `state/<slug>/audit.head`.
 */
export function auditFiles(paths: HomePaths, slug: string): { log: string; head: string } {
  const state = paths.stateDir(slug);
  return { log: join(state, "audit.jsonl"), head: join(state, "audit.head") };
}
