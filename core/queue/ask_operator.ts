/**
 * The one way the sidecar asks the operator: queue a proposal, wait for the answer, fail closed.
 * Only `approved` (or `modified`, where the proposal allows it) lets anything through; an answer
 * that cannot be read is an error, never an approval.
 *
 * What happens to a proposal nobody answered in time depends on who asks. A daemon holding a
 * request (egress, `egress-token-allow`) or a push (the git gate, `gitleaks-allow`) has refused
 * it, so the proposal is withdrawn into `processed/`: no approval is ever recorded for something
 * that did not happen. The supervise MCP server (`egress-allow`, `capability-block`) keeps it
 * queued and tells the agent `pending`: the operator may still decide.
 */
import { z } from "zod";
import { messageOf } from "../errors/mod.ts";
import {
  archive,
  awaitResponse,
  type Proposal,
  type PROPOSAL_TOOLS,
  writeProposal,
} from "./proposal_files.ts";

/** What the sidecar asks. */
export interface OperatorQuestion {
  /** The kind of proposal. */
  tool: typeof PROPOSAL_TOOLS[number];
  /** What the operator reviews (never a secret: findings are described redacted). */
  proposedFile: string;
  /** Why the sidecar asks. */
  justification: string;
  /** SHA-256 hex of the file the proposal replaces, when it replaces one. */
  currentFileHash?: string;
}

/** Where to ask and how long to wait. */
export interface AskOperatorOptions {
  /** The bottle's queue directory. */
  queueDir: string;
  /** The bottle's slug. */
  bottleSlug: string;
  /** How long to wait for the answer. */
  timeoutMs: number;
  /** Stops the wait early (the client went away, a deadline passed). */
  signal?: AbortSignal;
  /** Called once the proposal is queued (to tell the agent it is waiting). */
  onQueued?: (proposal: Proposal) => void;
  /** What happens to a proposal nobody answered: withdrawn (default), or kept queued. */
  unanswered?: "withdraw" | "keep";
  /** How often to look for the answer (tests shorten it). */
  pollMs?: number;
}

/** The operator's verdict, or why there is none. */
export type OperatorVerdict =
  | { status: "approved" | "rejected"; proposalId: string; notes: string }
  /** Approved with the operator's own version of the file. */
  | { status: "modified"; proposalId: string; notes: string; finalFile?: string }
  /** Unanswered and withdrawn (`unanswered: "withdraw"`). */
  | { status: "timeout"; proposalId: string; timeoutMs: number }
  | { status: "stopped"; proposalId: string }
  /** Unanswered and still queued (`unanswered: "keep"`). */
  | { status: "pending"; proposalId: string; timeoutMs: number }
  /** Not queued (`proposalId` absent), or answered unreadably. */
  | { status: "error"; proposalId?: string; detail: string };

/**
 * Ask the operator and wait for the verdict. Never throws: a queue that cannot be written or an
 * answer that cannot be read is an `error` verdict.
 *
 * @param question The proposal to queue.
 * @param options The queue, the wait and the stop signal.
 * @returns The verdict.
 */
export async function askOperator(
  question: OperatorQuestion,
  options: AskOperatorOptions,
): Promise<OperatorVerdict> {
  let proposal: Proposal;
  try {
    proposal = await writeProposal(options.queueDir, {
      bottle_slug: options.bottleSlug,
      tool: question.tool,
      proposed_file: question.proposedFile,
      justification: question.justification,
      current_file_hash: question.currentFileHash ?? "",
    });
  } catch (err) {
    const why = err instanceof z.ZodError
      ? err.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")
      : messageOf(err);
    return { status: "error", detail: `the proposal was not queued: ${why}` };
  }
  options.onQueued?.(proposal);
  const proposalId = proposal.id;
  const keep = options.unanswered === "keep";
  try {
    const response = await awaitResponse(options.queueDir, proposalId, {
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
    if (response?.status === "modified") {
      return {
        status: "modified",
        proposalId,
        notes: response.notes,
        ...(response.final_file === undefined ? {} : { finalFile: response.final_file }),
      };
    }
    if (response !== undefined) {
      return { status: response.status, proposalId, notes: response.notes };
    }
  } catch (err) {
    if (!keep) await withdraw(options.queueDir, proposalId);
    return {
      status: "error",
      proposalId,
      detail: `the operator's answer is unreadable (${messageOf(err)})`,
    };
  }
  if (keep) return { status: "pending", proposalId, timeoutMs: options.timeoutMs };
  // Nobody answered: withdrawn, so approving it later cannot suggest it went through.
  await withdraw(options.queueDir, proposalId);
  return options.signal?.aborted === true
    ? { status: "stopped", proposalId }
    : { status: "timeout", proposalId, timeoutMs: options.timeoutMs };
}

/**
 * Why a verdict refuses, for the agent and the log.
 *
 * @param verdict The verdict.
 * @returns A phrase such as `no operator answer within 300s`, or `undefined` for an approval.
 */
export function refusalReason(verdict: OperatorVerdict): string | undefined {
  const notes = (text: string) => text === "" ? "" : `: ${text}`;
  switch (verdict.status) {
    case "approved":
      return undefined;
    case "rejected":
      return `the operator rejected it${notes(verdict.notes)}`;
    case "modified":
      return `the operator answered with a modified file, which this proposal cannot take${
        notes(verdict.notes)
      }`;
    case "timeout":
    case "pending":
      return `no operator answer within ${verdict.timeoutMs / 1000}s`;
    case "stopped":
      return "it was stopped while it waited for the operator";
    case "error":
      return verdict.detail;
  }
}

async function withdraw(queueDir: string, id: string): Promise<void> {
  await archive(queueDir, id).catch(() => {});
}
