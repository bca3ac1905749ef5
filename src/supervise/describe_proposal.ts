/** What the operator needs to decide on one proposal: the proposal, the diff, staleness. */
import { createHash } from "node:crypto";
import type { HomePaths } from "../paths/mod.ts";
import { readQueueFile } from "../../core/queue/mod.ts";
import { bottleFiles } from "./_files.ts";
import { lineDiff } from "./line_diff.ts";
import type { PendingProposal } from "./pending.ts";

/** A proposal with its context. */
export interface ProposalDetail extends PendingProposal {
  /** Milliseconds since the proposal arrived. */
  ageMs: number;
  /** The live file the proposal replaces (egress-allow only; `undefined` when absent). */
  live?: string;
  /** Unified diff of the live file against the proposed file (egress-allow only). */
  diff?: string;
  /** Set when the live file changed since the proposal was made (its hash no longer matches). */
  staleWarning?: string;
}

/**
 * Describe a pending proposal.
 *
 * @param paths The bot-bottle home.
 * @param pending The proposal (from {@link findPending}).
 * @param options `now` for tests.
 * @returns The detail.
 * @throws {Error} When the live routes file is a symlink or not a regular file.
 */
export async function describeProposal(
  paths: HomePaths,
  pending: PendingProposal,
  options: { now?: Date } = {},
): Promise<ProposalDetail> {
  const { proposal } = pending;
  const now = options.now ?? new Date();
  const detail: ProposalDetail = {
    ...pending,
    ageMs: Math.max(0, now.getTime() - Date.parse(proposal.arrival_timestamp)),
  };
  if (proposal.tool !== "egress-allow") return detail;
  const routesPath = bottleFiles(paths, proposal.bottle_slug).routes;
  const live = await readLive(routesPath);
  if (live !== undefined) detail.live = live;
  detail.diff = lineDiff(live ?? "", proposal.proposed_file, {
    from: `live ${routesPath}`,
    to: `proposed ${proposal.id}`,
  });
  const warning = staleness(proposal.current_file_hash, live);
  if (warning !== undefined) detail.staleWarning = warning;
  return detail;
}

/**
 * SHA-256 of a text, hex, as proposals record `current_file_hash`.
 *
 * @param text The text.
 * @returns Lower-case hex digest.
 */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * Read the live routes file, which the sidecar's directory holds: size-capped like a queue file,
 * never through a symlink, never blocking on a FIFO.
 *
 * @param path The live routes file.
 * @returns Its text, or `undefined` when it does not exist.
 * @throws {Error} When it is a symlink, not a regular file, or too big.
 */
export async function readLive(path: string): Promise<string | undefined> {
  return await readQueueFile(path, "live routes file");
}

function staleness(recorded: string, live: string | undefined): string | undefined {
  const expected = recorded.replace(/^sha256:/i, "").toLowerCase();
  if (live === undefined) {
    return expected === "" ? undefined : "the live routes file no longer exists";
  }
  if (sha256Hex(live) === expected) return undefined;
  return "the live routes file changed since this proposal was made; approve refuses it " +
    "(it would undo those changes): reject it and let the agent propose again";
}
