/**
 * Appending a decision to a bottle's audit log, chained to the one before (see `_chain.ts`).
 *
 * Every writer (each `supervise approve|reject`, the terminal UI) runs in its own host process,
 * so two can append at once: an append holds an exclusive `flock` on the log for the whole
 * read-head, write-line, write-head sequence. The new entry chains from the head, not from the
 * log's last line, so a log cut short or edited stays visibly broken after later appends.
 */
import { messageOf } from "../../core/errors/mod.ts";
import { lstatRegular } from "../../core/regular_file/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import {
  type AuditEntry,
  auditFiles,
  type AuditHead,
  chainedEntrySchema,
  EMPTY_HEAD,
  lineHash,
} from "./_chain.ts";
import { readHead, writeHead } from "./_head.ts";

/**
 * Append a decision to the bottle's audit log (created 0600).
 *
 * @param paths The bot-bottle home.
 * @param entry The decision.
 * @throws {Error} When the log is a symlink or not a regular file, or its head is not valid.
 */
export async function appendAudit(paths: HomePaths, entry: AuditEntry): Promise<void> {
  const files = auditFiles(paths, entry.bottle);
  using log = await openLog(files.log);
  await log.lock(true);
  try {
    const found = await readHead(files.head);
    if (found.kind === "invalid") {
      throw new Error(
        `Cannot append to audit log ${files.log}: ${found.detail} (bot-bottle audit verify ` +
          `${entry.bottle} says more; move the log and its head aside to start a new chain)`,
      );
    }
    const size = (await log.stat()).size;
    let head = found.kind === "ok" ? found.head : EMPTY_HEAD;
    if (size > head.bytes) head = await adoptUnrecorded(log, head, size);
    const line = JSON.stringify({ seq: head.entries, prev: head.last, ...entry });
    try {
      await writeAll(log, `${line}\n`);
    } catch (err) {
      // A full disk mid-line: cut the log back so it never ends in half an entry.
      await log.truncate(size).catch(() => {});
      throw new Error(`Cannot append to audit log ${files.log}: ${messageOf(err)}`, { cause: err });
    }
    const bytes = (await log.stat()).size;
    await writeHead(files.head, { entries: head.entries + 1, last: lineHash(line), bytes });
  } finally {
    await log.unlock();
  }
}

/**
 * Open the log for reading and appending; a symlink or special file in its place is refused.
 * A log another writer created since the check is opened as an existing one.
 */
async function openLog(path: string): Promise<Deno.FsFile> {
  const before = await lstatRegular(path, "audit log");
  if (before === undefined) {
    try {
      return await Deno.open(path, { read: true, append: true, createNew: true, mode: 0o600 });
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
      return await openLog(path);
    }
  }
  const file = await Deno.open(path, { read: true, append: true });
  const opened = await file.stat();
  if (opened.ino !== before.ino || opened.dev !== before.dev) {
    file.close();
    throw new Error(`audit log ${path} was replaced while being opened; refusing it`);
  }
  return file;
}

/**
 * An append interrupted after its line but before its head (a crash, a full disk) leaves exactly
 * one whole entry past the head that chains from it: that entry is taken into the head. Anything
 * else past the head was not written by an append and stays where it is, for `audit verify`.
 */
async function adoptUnrecorded(
  log: Deno.FsFile,
  head: AuditHead,
  size: number,
): Promise<AuditHead> {
  const extra = size - head.bytes;
  if (extra > MAX_ENTRY_BYTES) return head;
  await log.seek(head.bytes, Deno.SeekMode.Start);
  const bytes = new Uint8Array(extra);
  let filled = 0;
  while (filled < extra) {
    const read = await log.read(bytes.subarray(filled));
    if (read === null) return head;
    filled += read;
  }
  const text = new TextDecoder().decode(bytes);
  const line = text.slice(0, -1);
  if (!text.endsWith("\n") || line.includes("\n")) return head;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return head;
  }
  const parsed = chainedEntrySchema.safeParse(raw);
  if (!parsed.success || parsed.data.seq !== head.entries || parsed.data.prev !== head.last) {
    return head;
  }
  return { entries: head.entries + 1, last: lineHash(line), bytes: size };
}

/** The largest single entry an interrupted append could have left (two 4 MiB files, escaped). */
const MAX_ENTRY_BYTES = 32 * 1024 * 1024;

async function writeAll(file: Deno.FsFile, text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
