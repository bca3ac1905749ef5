/**
 * The operator's decisions (SPEC §6.3). Approving applies first and answers only once the apply
 * succeeded, so a failure at any step leaves the proposal pending (no response file) with a
 * message saying what happened. Every decision is audited before the agent hears of it.
 */
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Backend, backendByName } from "../../backends/mod.ts";
import { messageOf, UsageError } from "../../core/errors/mod.ts";
import { BottleState } from "../lifecycle/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { MAX_QUEUE_FILE_BYTES, type Proposal, writeResponse } from "../../core/queue/mod.ts";
import { readRegularFile } from "../../core/regular_file/mod.ts";
import { parseRoutesFile, type RoutesFile } from "../../core/routes/mod.ts";
import { appendAudit } from "../audit/mod.ts";
import { credentialChange } from "./_credentials.ts";
import { holdDecisionLock } from "./_decision_lock.ts";
import { bottleFiles } from "./_files.ts";
import { assertRealDir, replaceFile, writePrivate } from "./_safe_fs.ts";
import { readLive, sha256Hex } from "./describe_proposal.ts";
import { findPending } from "./pending.ts";

/** An approval that could not be applied; the proposal stays pending. */
export class ApplyError extends Error {
  /** The proposal's id. */
  readonly id: string;

  /**
   * @param proposal The proposal.
   * @param detail What failed.
   * @param options The underlying error.
   */
  constructor(proposal: Proposal, detail: string, options?: ErrorOptions) {
    super(
      `Cannot approve proposal ${proposal.id} of bottle "${proposal.bottle_slug}": ${detail}; ` +
        "the proposal stays pending",
      options,
    );
    this.name = "ApplyError";
    this.id = proposal.id;
  }
}

/** Options of {@link approveProposal} and {@link rejectProposal}. */
export interface DecideOptions {
  /** The operator's reason (required to reject, and to approve gitleaks/token findings). */
  reason?: string | undefined;
  /** The operator's name for the audit log (default "unknown"). */
  user?: string | undefined;
  /** The backend of a name, to signal the sidecar (tests pass a recorder). */
  backendFor?: (name: string) => Pick<Backend, "reloadEgress">;
  /** The clock (tests). */
  now?: () => Date;
  /** The file as the operator edited it: approve this instead (status `modified`). */
  finalFile?: string;
  /**
   * The proposal as the operator saw it. The queue is writable by the sidecar, so the file read
   * again at decision time must be this one; a swapped proposal is refused, never applied.
   */
  expected?: Proposal;
  /** The {@link proposalDigest} the operator saw (`--expect`); checked like `expected`. */
  expectedDigest?: string;
}

/** What a decision did. */
export interface Decision {
  /** The proposal decided on. */
  proposal: Proposal;
  /** The status written to the response. */
  status: "approved" | "modified" | "rejected";
  /** The notes written to the response. */
  notes: string;
}

/** Tools whose approval needs a reason and is never modified (SPEC §6.3). */
const REASON_TO_APPROVE: readonly Proposal["tool"][] = ["gitleaks-allow", "egress-token-allow"];

/**
 * Approve a pending proposal: apply it, audit it, then answer the agent.
 *
 * @param paths The bot-bottle home.
 * @param id The proposal id.
 * @param options The reason, the operator, the backend lookup.
 * @returns The decision.
 * @throws {NotFoundError} When no pending proposal has that id.
 * @throws {UsageError} When the tool requires a reason and none was given.
 * @throws {ApplyError} When the apply failed (the proposal stays pending).
 */
export async function approveProposal(
  paths: HomePaths,
  id: string,
  options: DecideOptions = {},
): Promise<Decision> {
  const { proposal, queueDir } = await findPending(paths, id);
  await using _lock = await holdDecisionLock(paths, proposal.bottle_slug);
  await assertUnanswered(proposal, queueDir);
  assertUnchanged(proposal, options);
  const reason = options.reason?.trim() ?? "";
  if (reason === "" && REASON_TO_APPROVE.includes(proposal.tool)) {
    throw new UsageError(`approving a ${proposal.tool} proposal needs --reason`);
  }
  const modified = options.finalFile !== undefined &&
    options.finalFile !== proposal.proposed_file;
  if (modified && REASON_TO_APPROVE.includes(proposal.tool)) {
    throw new UsageError(
      `a ${proposal.tool} proposal cannot be modified, only approved or rejected`,
    );
  }
  // The edited file goes through exactly the checks and apply the agent's file would have.
  const effective = modified ? { ...proposal, proposed_file: options.finalFile! } : proposal;
  let applied: { before: string; note: string };
  try {
    applied = effective.tool === "egress-allow"
      ? await applyRoutes(paths, effective, options)
      : effective.tool === "capability-block"
      ? await applyDockerfile(paths, effective)
      : { before: proposal.current_file_hash, note: "" };
  } catch (err) {
    if (err instanceof ApplyError) throw err;
    throw new ApplyError(proposal, messageOf(err), { cause: err });
  }
  const notes = [reason, applied.note].filter((part) => part !== "").join("; ");
  const status = modified ? "modified" : "approved";
  await record(paths, { proposal, queueDir }, {
    ...options,
    decision: status,
    reason,
    notes,
    before: applied.before,
    after: effective.proposed_file,
  });
  return { proposal, status, notes };
}

/**
 * Reject a pending proposal with a reason.
 *
 * @param paths The bot-bottle home.
 * @param id The proposal id.
 * @param options The reason (required), the operator.
 * @returns The decision.
 * @throws {NotFoundError} When no pending proposal has that id.
 * @throws {UsageError} When no reason was given.
 */
export async function rejectProposal(
  paths: HomePaths,
  id: string,
  options: DecideOptions = {},
): Promise<Decision> {
  const pending = await findPending(paths, id);
  await using _lock = await holdDecisionLock(paths, pending.proposal.bottle_slug);
  await assertUnanswered(pending.proposal, pending.queueDir);
  assertUnchanged(pending.proposal, options);
  const reason = options.reason?.trim() ?? "";
  if (reason === "") throw new UsageError("rejecting a proposal needs --reason");
  const { proposal } = pending;
  // A reject changes nothing, so an unreadable live file only costs the audit its "before" text.
  const before = proposal.tool === "egress-allow"
    ? await readLive(bottleFiles(paths, proposal.bottle_slug).routes).then(
      (text) => text ?? proposal.current_file_hash,
      () => proposal.current_file_hash,
    )
    : proposal.current_file_hash;
  await record(paths, pending, {
    ...options,
    decision: "rejected",
    reason,
    notes: reason,
    before,
    after: null,
  });
  return { proposal, status: "rejected", notes: reason };
}

async function applyRoutes(
  paths: HomePaths,
  proposal: Proposal,
  options: DecideOptions,
): Promise<{ before: string; note: string }> {
  const slug = proposal.bottle_slug;
  const routesPath = bottleFiles(paths, slug).routes;
  const metadata = await new BottleState(paths, slug).read();
  const backend = (options.backendFor ?? backendByName)(metadata.backend);
  const before = await readLive(routesPath);
  if (before === undefined) throw new ApplyError(proposal, `${routesPath} does not exist`);
  assertCurrent(proposal, before);
  let proposed: RoutesFile;
  try {
    proposed = parseRoutesFile(proposal.proposed_file, `proposal ${proposal.id}`);
  } catch (err) {
    throw new ApplyError(proposal, `the proposed routes file is invalid: ${messageOf(err)}`, {
      cause: err,
    });
  }
  const change = credentialChange(parseRoutesFile(before, routesPath), proposed);
  if (change !== undefined) {
    throw new ApplyError(
      proposal,
      `${change}; a proposal may not add, change or move credentials or allow private addresses (edit the bottle instead)`,
    );
  }
  try {
    await replaceFile(routesPath, proposal.proposed_file, "live routes file");
  } catch (err) {
    throw new ApplyError(proposal, messageOf(err), { cause: err });
  }
  try {
    await backend.reloadEgress(slug);
  } catch (err) {
    const restored = await replaceFile(routesPath, before, "live routes file").then(
      () => "the previous routes file was restored",
      (undo) => `restoring the previous routes file failed too: ${messageOf(undo)}`,
    );
    throw new ApplyError(
      proposal,
      `signalling the sidecar failed (${messageOf(err)}); ${restored}`,
      { cause: err },
    );
  }
  return { before, note: "" };
}

async function applyDockerfile(
  paths: HomePaths,
  proposal: Proposal,
): Promise<{ before: string; note: string }> {
  const slug = proposal.bottle_slug;
  await assertRealDir(paths.stateDir(slug), "bottle state directory");
  const path = bottleFiles(paths, slug).dockerfile;
  await ensureRealDir(dirname(path));
  const previous = await readRegularFile(path, {
    maxBytes: MAX_QUEUE_FILE_BYTES,
    what: "approved Dockerfile",
  }) ?? proposal.current_file_hash;
  await writePrivate(path, proposal.proposed_file, "approved Dockerfile");
  // The approval is only worth something if `resume` can use it: a clean exit of the bottle
  // must not delete the Dockerfile (or this decision's audit entry) with the rest of its state.
  await new BottleState(paths, slug).preserve();
  return {
    before: previous,
    note: `the next \`bot-bottle resume ${slug}\` builds the bottle's image from this Dockerfile`,
  };
}

/**
 * Refuse a routes proposal made against another version of the live file: the proposal is a
 * whole file, so approving it would silently undo whatever changed since (another approval, an
 * edit). The agent has to propose again against the routes as they are now.
 */
function assertCurrent(proposal: Proposal, live: string): void {
  const recorded = proposal.current_file_hash.replace(/^sha256:/i, "").toLowerCase();
  if (recorded === sha256Hex(live)) return;
  const was = recorded === "" ? "no routes file" : `routes with SHA-256 ${recorded.slice(0, 12)}…`;
  throw new ApplyError(
    proposal,
    `it is stale: it was made against ${was}, and the live routes file has changed since ` +
      `(SHA-256 ${sha256Hex(live).slice(0, 12)}…); approving it would undo that change; ` +
      "reject it and have the agent propose again from list-egress-routes",
  );
}

/** The image folder, created 0700; a symlink there is refused. */
async function ensureRealDir(dir: string): Promise<void> {
  try {
    await Deno.mkdir(dir, { mode: 0o700 });
  } catch (err) {
    if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
  }
  await assertRealDir(dir, "approved image folder");
}

async function record(
  paths: HomePaths,
  pending: { proposal: Proposal; queueDir: string },
  decision: DecideOptions & {
    decision: "approved" | "modified" | "rejected";
    reason: string;
    notes: string;
    before: string;
    after: string | null;
  },
): Promise<void> {
  const { proposal, queueDir } = pending;
  await appendAudit(paths, {
    time: (decision.now?.() ?? new Date()).toISOString(),
    who: decision.user ?? "unknown",
    bottle: proposal.bottle_slug,
    id: proposal.id,
    tool: proposal.tool,
    decision: decision.decision,
    reason: decision.reason,
    before: decision.before,
    after: decision.after,
  });
  // The sidecar can write into the queue directory: never write through a link it planted.
  await assertRealDir(queueDir, "queue directory");
  const responsePath = join(queueDir, `${proposal.id}.response.json`);
  if (await Deno.lstat(responsePath).then(() => true, () => false)) {
    throw new Error(`Cannot answer proposal ${proposal.id}: ${responsePath} already exists`);
  }
  await writeResponse(queueDir, proposal.id, {
    status: decision.decision,
    notes: decision.notes,
    ...(decision.decision === "modified" && decision.after !== null
      ? { final_file: decision.after }
      : {}),
  });
}

/**
 * A short fingerprint of a proposal, shown by `supervise show` and checked by `--expect`.
 *
 * @param proposal The proposal.
 * @returns 16 hex digits of the SHA-256 of its JSON.
 */
export function proposalDigest(proposal: Proposal): string {
  return sha256Hex(JSON.stringify(proposal)).slice(0, 16);
}

/** Another decision on the same proposal may have finished while this one waited for the lock. */
async function assertUnanswered(proposal: Proposal, queueDir: string): Promise<void> {
  const present = (name: string) => Deno.lstat(join(queueDir, name)).then(() => true, () => false);
  const answered = await present(`${proposal.id}.response.json`) ||
    !await present(`${proposal.id}.proposal.json`);
  if (answered) {
    throw new ApplyError(proposal, "it was answered meanwhile (another decision came first)");
  }
}

function assertUnchanged(found: Proposal, options: DecideOptions): void {
  const { expected, expectedDigest } = options;
  const changed = (expected !== undefined && !isDeepStrictEqual(found, expected)) ||
    (expectedDigest !== undefined && expectedDigest !== proposalDigest(found));
  if (changed) {
    throw new ApplyError(
      found,
      "it changed since it was shown (its queue file was rewritten); look at it again",
    );
  }
}
