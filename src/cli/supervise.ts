/**
 * `bot-bottle supervise list|show|approve|reject`: the scriptable side of the operator's approval
 * surface (SPEC §6.3). The commands parse, call `src/supervise`, and print; the terminal UI uses
 * the same core.
 */
import type { Backend } from "../../backends/mod.ts";
import { messageOf, UsageError } from "../../core/errors/mod.ts";
import { homePaths } from "../paths/mod.ts";
import {
  approveProposal,
  describeProposal,
  findPending,
  listPending,
  proposalDigest,
  rejectProposal,
} from "../supervise/mod.ts";
import { type CliContext, println, warn } from "./_context.ts";
import { renderFields } from "./_fields.ts";

/** Options shared by `approve` and `reject`. */
export interface DecideCommandOptions {
  /** `--reason`. */
  reason?: string | undefined;
  /** `--file`: the operator's edited version of the proposed file (approve only). */
  file?: string;
  /** `--expect`: the digest `show` printed; the decision is refused if the proposal changed. */
  expect?: string;
  /** The backend of a name (tests pass a recorder). */
  backendFor?: (name: string) => Pick<Backend, "reloadEgress">;
}

/**
 * `supervise list`: pending proposals across bottles, oldest first.
 *
 * @param ctx The CLI context.
 * @param options `--json`, and the clock (tests).
 * @returns 0.
 */
export async function superviseListCommand(
  ctx: CliContext,
  options: { json: boolean; now?: Date },
): Promise<number> {
  const scan = await listPending(homePaths(ctx.env));
  for (const problem of scan.problems) warn(ctx, `skipped ${problem}`);
  const now = options.now ?? new Date();
  const rows = scan.pending.map(({ proposal }) => ({
    id: proposal.id,
    bottle: proposal.bottle_slug,
    tool: proposal.tool,
    arrival_timestamp: proposal.arrival_timestamp,
    age_seconds: Math.max(
      0,
      Math.floor((now.getTime() - Date.parse(proposal.arrival_timestamp)) / 1000),
    ),
    justification: firstLine(proposal.justification),
  }));
  if (options.json) {
    println(ctx, JSON.stringify(rows));
    return 0;
  }
  if (rows.length === 0) {
    println(ctx, "No pending proposals.");
    return 0;
  }
  ctx.stdout.write(renderFields(
    "Pending proposals",
    rows.map((row) => [
      row.id,
      `${row.bottle}  ${row.tool}  ${formatAge(row.age_seconds)}  ${row.justification}`,
    ]),
  ));
  return 0;
}

/**
 * `supervise show <id>`: one proposal, with a diff against the live routes file.
 *
 * @param ctx The CLI context.
 * @param id The proposal id.
 * @param options `--json`, and the clock (tests).
 * @returns 0.
 * @throws {NotFoundError} When no pending proposal has that id.
 */
export async function superviseShowCommand(
  ctx: CliContext,
  id: string,
  options: { json: boolean; now?: Date },
): Promise<number> {
  const paths = homePaths(ctx.env);
  const detail = await describeProposal(
    paths,
    await findPending(paths, id),
    options.now === undefined ? {} : { now: options.now },
  );
  const { proposal } = detail;
  if (options.json) {
    println(
      ctx,
      JSON.stringify({
        proposal,
        age_seconds: Math.floor(detail.ageMs / 1000),
        live_file: detail.live ?? null,
        diff: detail.diff ?? null,
        stale_warning: detail.staleWarning ?? null,
      }),
    );
    return 0;
  }
  if (detail.staleWarning !== undefined) warn(ctx, detail.staleWarning);
  ctx.stdout.write(renderFields(`Proposal ${proposal.id}`, [
    ["bottle", proposal.bottle_slug],
    ["tool", proposal.tool],
    ["arrived", `${proposal.arrival_timestamp} (${formatAge(detail.ageMs / 1000)} ago)`],
    ["justification", proposal.justification],
    ["digest", `${proposalDigest(proposal)}  (approve or reject with --expect to be sure)`],
  ]));
  println(ctx);
  if (detail.diff !== undefined) {
    ctx.stdout.write(detail.diff === "" ? "(no change to the live routes file)\n" : detail.diff);
  } else {
    println(ctx, "Proposed file:");
    println(ctx);
    ctx.stdout.write(withNewline(proposal.proposed_file));
  }
  return 0;
}

/**
 * `supervise approve <id>`: apply, audit, answer.
 *
 * @param ctx The CLI context.
 * @param id The proposal id.
 * @param options `--reason`, and the backend lookup (tests).
 * @returns 0.
 * @throws {NotFoundError} When no pending proposal has that id.
 * @throws {UsageError} When the proposal's tool needs a reason and none was given.
 * @throws {ApplyError} When the apply failed; the proposal stays pending.
 */
export async function superviseApproveCommand(
  ctx: CliContext,
  id: string,
  options: DecideCommandOptions,
): Promise<number> {
  const finalFile = options.file === undefined ? undefined : await readEdited(options.file);
  const decision = await approveProposal(homePaths(ctx.env), id, {
    reason: options.reason,
    user: ctx.env.USER,
    ...(finalFile === undefined ? {} : { finalFile }),
    ...(options.expect === undefined ? {} : { expectedDigest: options.expect }),
    ...(options.backendFor === undefined ? {} : { backendFor: options.backendFor }),
  });
  const { proposal } = decision;
  const applied = proposal.tool === "egress-allow"
    ? "; the new routes are live"
    : proposal.tool === "capability-block"
    ? `; the next \`bot-bottle resume ${proposal.bottle_slug}\` builds from it`
    : "";
  ctx.stderr.write(
    `bot-bottle: ${decision.status} ${proposal.id} (${proposal.tool}, bottle ${proposal.bottle_slug})${applied}\n`,
  );
  return 0;
}

async function readEdited(file: string): Promise<string> {
  try {
    return await Deno.readTextFile(file);
  } catch (err) {
    throw new UsageError(
      `--file "${file}" cannot be read: ${messageOf(err)}`,
      { cause: err },
    );
  }
}

/**
 * `supervise reject <id> --reason TEXT`.
 *
 * @param ctx The CLI context.
 * @param id The proposal id.
 * @param options `--reason` (required).
 * @returns 0.
 * @throws {NotFoundError} When no pending proposal has that id.
 * @throws {UsageError} When no reason was given.
 */
export async function superviseRejectCommand(
  ctx: CliContext,
  id: string,
  options: DecideCommandOptions,
): Promise<number> {
  const { proposal } = await rejectProposal(homePaths(ctx.env), id, {
    reason: options.reason,
    user: ctx.env.USER,
    ...(options.expect === undefined ? {} : { expectedDigest: options.expect }),
  });
  ctx.stderr.write(
    `bot-bottle: rejected ${proposal.id} (${proposal.tool}, bottle ${proposal.bottle_slug})\n`,
  );
  return 0;
}

function firstLine(text: string): string {
  return text.trim().split("\n")[0] ?? "";
}

function withNewline(text: string): string {
  return text.endsWith("\n") || text === "" ? text : `${text}\n`;
}

function formatAge(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
