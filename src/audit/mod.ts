/**
 * The per-bottle audit log of operator decisions (SPEC §6.3), tamper-evident: `audit.jsonl`
 * holds one JSON entry a line, each carrying its position (`seq`) and the SHA-256 of the line
 * before it (`prev`; 64 zeros for the first), and `audit.head` records the entry count and the
 * last line's hash after every append. {@link verifyAudit} walks the chain and names the first
 * broken line: edited, deleted, reordered, inserted, truncated, not JSON, or a head that is
 * missing or invalid. Appends from concurrent processes are serialized by a lock on the log.
 *
 * @module
 * @example
 * ```ts
 * import { homePaths } from "../paths/mod.ts";
 * import { appendAudit, verifyAudit } from "./mod.ts";
 * const paths = homePaths({ BOT_BOTTLE_HOME: await Deno.makeTempDir() });
 * await Deno.mkdir(paths.stateDir("dev-1"), { recursive: true });
 * await appendAudit(paths, {
 *   time: new Date().toISOString(),
 *   who: "alice",
 *   bottle: "dev-1",
 *   id: "0123456789abcdef",
 *   tool: "egress-allow",
 *   decision: "rejected",
 *   reason: "not needed",
 *   before: "routes: []\n",
 *   after: null,
 * });
 * const verdict = await verifyAudit(paths, "dev-1");
 * console.assert(verdict.lines === 1 && verdict.broken === undefined);
 * await Deno.remove(paths.root, { recursive: true });
 * ```
 */
export { type AuditEntry, auditFiles, GENESIS, lineHash } from "./_chain.ts";
export { appendAudit } from "./append_audit.ts";
export { type AuditBreak, type BreakKind } from "./_find_break.ts";
export { readAudit } from "./read_audit.ts";
export { type AuditVerdict, verifyAudit } from "./verify_audit.ts";
export { AuditChainError } from "./audit_chain_error.ts";
