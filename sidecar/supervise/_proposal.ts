/**
 * The waiting half of SPEC §6.3: queue a proposal, wait for the operator's answer, and tell the
 * agent what happened. A timeout is not a refusal: the proposal stays queued for the operator and
 * the agent is told it is `pending`. A malformed answer is never taken as an approval.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types";
import { archive, awaitResponse, type Proposal, writeProposal } from "../../core/queue/mod.ts";
import { z } from "zod";
import { errorResult, textResult } from "./_result.ts";
import { messageOf } from "../../core/errors/mod.ts";

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
  let proposal: Proposal;
  try {
    proposal = await writeProposal(ctx.dir, {
      bottle_slug: ctx.bottleSlug,
      tool: request.tool,
      proposed_file: request.proposedFile,
      justification: request.justification,
      current_file_hash: request.currentFileHash,
    });
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err;
    return errorResult([
      `the proposal was not queued: ${
        err.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")
      }`,
    ]);
  }
  ctx.log(event("proposal", proposal, {}));
  let response;
  try {
    response = await awaitResponse(ctx.dir, proposal.id, {
      timeoutMs: ctx.timeoutMs,
      pollMs: ctx.pollMs,
      signal,
    });
  } catch (err) {
    const reason = messageOf(err);
    ctx.log(event("bad_response", proposal, { reason }));
    return errorResult([
      "status: error",
      `id: ${proposal.id}`,
      `notes: the operator's answer could not be read, so nothing changed (${reason})`,
    ]);
  }
  if (response === undefined) {
    ctx.log(event("pending", proposal, {}));
    return textResult([
      "status: pending",
      `id: ${proposal.id}`,
      `notes: operator response timed out after ${ctx.timeoutMs / 1000}s; proposal remains queued`,
    ]);
  }
  // The consumer archives; awaitResponse may have done so already, and archiving twice is a no-op.
  await archive(ctx.dir, proposal.id);
  ctx.log(event("decision", proposal, { status: response.status }));
  const notes = response.notes === "" ? "(none)" : response.notes;
  if (response.status === "rejected") {
    return errorResult(["status: rejected", `id: ${proposal.id}`, `reason: ${notes}`]);
  }
  const modified = response.status === "modified" && response.final_file !== undefined
    ? ["The operator changed your proposal before approving it; this is what was applied:", ""]
      .concat(response.final_file)
    : [];
  return textResult([
    `status: ${response.status}`,
    `id: ${proposal.id}`,
    `notes: ${notes}`,
    request.onApproval,
    ...modified,
  ]);
}

function event(name: string, proposal: Proposal, extra: Record<string, string>): string {
  return JSON.stringify({ event: name, tool: proposal.tool, id: proposal.id, ...extra });
}
