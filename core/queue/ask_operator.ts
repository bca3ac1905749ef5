/**
 * The one way a sidecar daemon asks the operator about something it is holding: a request with a
 * secret in it (egress, `egress-token-allow`) or a push with `gitleaks:allow` lines (the git gate,
 * `gitleaks-allow`). Queue the proposal, wait for the answer, and fail closed: only `approved`
 * lets the held thing through. A proposal nobody answered in time, or whose wait was stopped, is
 * withdrawn into `processed/`, so no approval is ever recorded for something that was refused.
 */
import { messageOf } from "../errors/mod.ts";
import { archive, awaitResponse, type Proposal, writeProposal } from "./proposal_files.ts";

/** What the daemon asks. */
export interface OperatorQuestion {
  /** The kind of proposal. */
  tool: "egress-token-allow" | "gitleaks-allow";
  /** What the operator reviews (never a secret: findings are described redacted). */
  proposedFile: string;
  /** Why the daemon asks. */
  justification: string;
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
  /** How often to look for the answer (tests shorten it). */
  pollMs?: number;
}

/** The operator's verdict, or why there is none. Only `approved` lets anything through. */
export type OperatorVerdict =
  | { status: "approved"; proposalId: string; notes: string }
  | { status: "rejected" | "modified"; proposalId: string; notes: string }
  | { status: "timeout"; proposalId: string; timeoutMs: number }
  | { status: "stopped"; proposalId: string }
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
      current_file_hash: "",
    });
  } catch (err) {
    return { status: "error", detail: `the proposal cannot be queued (${messageOf(err)})` };
  }
  options.onQueued?.(proposal);
  const proposalId = proposal.id;
  try {
    const response = await awaitResponse(options.queueDir, proposalId, {
      timeoutMs: options.timeoutMs,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    });
    if (response !== undefined) {
      return { status: response.status, proposalId, notes: response.notes };
    }
  } catch (err) {
    await withdraw(options.queueDir, proposalId);
    return {
      status: "error",
      proposalId,
      detail: `the operator's answer is unreadable (${messageOf(err)})`,
    };
  }
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
