/**
 * The supervise queue (SPEC §6.3), shared by the sidecar's daemons (which write proposals and
 * wait) and the host (which writes responses), and {@link askOperator}: the one way a daemon asks
 * the operator about something it holds (a request, a push), withdrawn when nobody answers. The
 * supervise MCP server writes its proposals with the same files but keeps them queued: its
 * caller, the agent, is told `pending` and may ask again later.
 *
 * A proposal is `<id>.proposal.json`, written atomically with mode 0600 into the bottle's queue
 * directory; the operator answers with `<id>.response.json`. Whoever consumes a response archives
 * both files into `processed/`. Writes are atomic (temp file in the same directory, then rename)
 * because the queue directory itself is the mount, never a single file.
 *
 * @module
 * @example
 * ```ts
 * import { awaitResponse, writeProposal } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const proposal = await writeProposal(dir, {
 *   bottle_slug: "dev-1",
 *   tool: "egress-token-allow",
 *   proposed_file: "host: api.example.com",
 *   justification: "needed to call the API",
 *   current_file_hash: "",
 * });
 * const response = await awaitResponse(dir, proposal.id, { timeoutMs: 10 });
 * console.assert(response === undefined);
 * ```
 */
export {
  archive,
  awaitResponse,
  MAX_QUEUE_FILE_BYTES,
  PROCESSED_DIR,
  type Proposal,
  PROPOSAL_TOOLS,
  type ProposalResponse,
  proposalSchema,
  readQueueFile,
  responseSchema,
  writeProposal,
  writeResponse,
} from "./proposal_files.ts";
export {
  askOperator,
  type AskOperatorOptions,
  type OperatorQuestion,
  type OperatorVerdict,
  refusalReason,
} from "./ask_operator.ts";
