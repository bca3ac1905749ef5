/**
 * The waiting half of SPEC §6.3: queue a proposal, wait for the operator's answer, and tell the
 * agent what happened. A timeout is not a refusal: the proposal stays queued for the operator and
 * the agent is told it is `pending`. A malformed answer is never taken as an approval.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { archive, askOperator } from "../../core/queue/mod.ts";
import { errorResult, textResult } from "./_result.ts";

/** Proposals one bottle may have waiting: an agent cannot fill the host's disk or the UI. */
const MAX_PENDING = 20;

/** Proposals in the queue without an answer yet. */
async function pendingCount(dir: string): Promise<number> {
  const names = new Set<string>();
  try {
    for await (const entry of Deno.readDir(dir)) names.add(entry.name);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return [...names].filter((name) =>
    name.endsWith(".proposal.json") &&
    !names.has(name.replace(/\.proposal\.json$/, ".response.json"))
  ).length;
}

/** Where proposals go and how long a tool call waits for the operator. */
export interface QueueContext {
  /** The bottle's queue directory. */
  dir: string;
  /** The bottle's slug, recorded in every proposal. */
  bottleSlug: string;
  /** How long a tool call waits for the operator's answer. */
  timeoutMs: number;
  /** How often the queue is looked at while waiting. */
  pollMs: number;
  /** One JSON log line (without newline). */
  log: (line: string) => void;
}

/** One proposal a tool asks for. */
export interface ProposalRequest {
  /** The tool that asks. */
  tool: "egress-allow" | "capability-block";
  /** The full proposed file. */
  proposedFile: string;
  /** The agent's reason. */
  justification: string;
  /** SHA-256 hex of the file it replaces, or empty. */
  currentFileHash: string;
  /** What an approval means for the agent, appended to the approved result. */
  onApproval: string;
}

/**
 * Queue a proposal and wait for the operator.
 *
 * @param ctx The queue and its timing.
 * @param request The proposal.
 * @param signal Aborts the wait (client gone, server stopping): the result is then `pending`.
 * @returns The tool result: approved or modified as text, rejected as an error, or pending.
 */
export async function propose(
  ctx: QueueContext,
  request: ProposalRequest,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const waiting = await pendingCount(ctx.dir);
  if (waiting >= MAX_PENDING) {
    return errorResult([
      `${waiting} proposals of this bottle already wait for the operator; wait for an answer ` +
      "before proposing more",
    ]);
  }
  const queued = { id: "", tool: request.tool };
  const verdict = await askOperator({
    tool: request.tool,
    proposedFile: request.proposedFile,
    justification: request.justification,
    currentFileHash: request.currentFileHash,
  }, {
    queueDir: ctx.dir,
    bottleSlug: ctx.bottleSlug,
    timeoutMs: ctx.timeoutMs,
    pollMs: ctx.pollMs,
    signal,
    unanswered: "keep",
    onQueued: (proposal) => {
      queued.id = proposal.id;
      ctx.log(event("proposal", queued, {}));
    },
  });
  switch (verdict.status) {
    case "error":
      if (verdict.proposalId === undefined) return errorResult([verdict.detail]);
      ctx.log(event("bad_response", queued, { reason: verdict.detail }));
      return errorResult([
        "status: error",
        `id: ${verdict.proposalId}`,
        `notes: ${verdict.detail}, so nothing changed`,
      ]);
    case "pending":
    case "timeout":
    case "stopped":
      ctx.log(event("pending", queued, {}));
      return textResult([
        "status: pending",
        `id: ${verdict.proposalId}`,
        `notes: operator response timed out after ${
          ctx.timeoutMs / 1000
        }s; proposal remains queued`,
      ]);
  }
  // The consumer archives; askOperator may have done so already, and archiving twice is a no-op.
  await archive(ctx.dir, verdict.proposalId);
  ctx.log(event("decision", queued, { status: verdict.status }));
  const notes = verdict.notes === "" ? "(none)" : verdict.notes;
  if (verdict.status === "rejected") {
    return errorResult(["status: rejected", `id: ${verdict.proposalId}`, `reason: ${notes}`]);
  }
  const modified = verdict.status === "modified" && verdict.finalFile !== undefined
    ? ["The operator changed your proposal before approving it; this is what was applied:", ""]
      .concat(verdict.finalFile)
    : [];
  return textResult([
    `status: ${verdict.status}`,
    `id: ${verdict.proposalId}`,
    `notes: ${notes}`,
    request.onApproval,
    ...modified,
  ]);
}

function event(
  name: string,
  proposal: { id: string; tool: string },
  extra: Record<string, string>,
): string {
  return JSON.stringify({ event: name, tool: proposal.tool, id: proposal.id, ...extra });
}
