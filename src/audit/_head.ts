/** Reading and writing `audit.head`, the record of what the appends wrote. */
import { writeFileAtomic } from "../../core/atomic_file/mod.ts";
import { readRegularFile } from "../../core/regular_file/mod.ts";
import { type AuditHead, auditHeadSchema, MAX_HEAD_BYTES } from "./_chain.ts";

/** `audit.head` as found: valid, absent, or not a head (with why). */
export type HeadState =
  | { kind: "ok"; head: AuditHead }
  | { kind: "missing" }
  | { kind: "invalid"; detail: string };

/**
 * Read `audit.head`.
 *
 * @param path The head file.
 * @returns What is there.
 * @throws {Error} When it is a symlink or not a regular file.
 */
export async function readHead(path: string): Promise<HeadState> {
  let text: string | undefined;
  try {
    text = await readRegularFile(path, { maxBytes: MAX_HEAD_BYTES, what: "audit head" });
  } catch (err) {
    return { kind: "invalid", detail: err instanceof Error ? err.message : String(err) };
  }
  if (text === undefined) return { kind: "missing" };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: "invalid", detail: `${path} is not JSON` };
  }
  const parsed = auditHeadSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: "invalid",
      detail: `${path}: ${issue?.path.join(".") || "top level"}: ${issue?.message}`,
    };
  }
  return { kind: "ok", head: parsed.data };
}

/**
 * Replace `audit.head` atomically (a temp file beside it, then rename), mode 0600. The state
 * directory is the host's alone, so a rename there cannot be redirected.
 *
 * @param path The head file.
 * @param head What the log holds now.
 */
export async function writeHead(path: string, head: AuditHead): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(head)}\n`, { mode: 0o600 });
}
