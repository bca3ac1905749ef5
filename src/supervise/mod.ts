/**
 * The operator's side of supervise (SPEC §6.3), shared by the `supervise` CLI commands and the
 * terminal UI: list the pending proposals across bottles, describe one (with a diff against the
 * live file), approve (apply, audit, answer) or reject (audit, answer).
 *
 * Why it is careful: proposals come from inside bottles. A proposal is listed only from its own
 * bottle's queue; an egress proposal may change routes but never credentials; the live routes
 * file is replaced atomically (the sidecar sees it through a directory bind mount; a full disk
 * leaves the previous file) and never through a symlink; and nothing answers the agent until the
 * change is live.
 *
 * @module
 * @example
 * ```ts
 * import { homePaths } from "../paths/mod.ts";
 * import { lineDiff, listPending } from "./mod.ts";
 * const root = await Deno.makeTempDir();
 * const { pending } = await listPending(homePaths({ BOT_BOTTLE_HOME: root }));
 * console.assert(pending.length === 0);
 * console.assert(lineDiff("a\n", "b\n").includes("-a\n+b"));
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export { appendAudit, type AuditEntry, readAudit } from "../audit/mod.ts";
export {
  ApplyError,
  approveProposal,
  type DecideOptions,
  type Decision,
  proposalDigest,
  rejectProposal,
} from "./decide.ts";
export { describeProposal, type ProposalDetail, sha256Hex } from "./describe_proposal.ts";
export { lineDiff, type LineDiffOptions } from "./line_diff.ts";
export { approvedDockerfilePath } from "./_files.ts";
export { findPending, listPending, type PendingProposal, type PendingScan } from "./pending.ts";
