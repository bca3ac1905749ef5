/**
 * The pending proposals across all bottles: a `<id>.proposal.json` in `queue/<slug>/` without a
 * `<id>.response.json` beside it. The queue directories are written by sidecars, which the host
 * does not trust: a proposal file that is a symlink, a FIFO, a device or oversized is reported,
 * never followed, waited on or read whole; and a proposal whose `bottle_slug` or `id` disagrees
 * with where it was found is reported, never listed, so one bottle cannot ask on behalf of another.
 */
import { join } from "node:path";
import { messageOf, NotFoundError } from "../../core/errors/mod.ts";
import type { HomePaths } from "../paths/mod.ts";
import { SLUG_PATTERN } from "../plan/mod.ts";
import { type Proposal, proposalSchema, readQueueFile } from "../../core/queue/mod.ts";

/** A proposal waiting for the operator, with where it was found. */
export interface PendingProposal {
  /** The proposal. */
  proposal: Proposal;
  /** The bottle's queue directory. */
  queueDir: string;
}

/** What {@link listPending} found. */
export interface PendingScan {
  /** Pending proposals, oldest first. */
  pending: PendingProposal[];
  /** Files that look like proposals but cannot be listed, each with the reason. */
  problems: string[];
}

const PROPOSAL_SUFFIX = ".proposal.json";

/**
 * Find every pending proposal under the home's queue directory.
 *
 * @param paths The bot-bottle home.
 * @returns Pending proposals (oldest first) and unreadable files.
 */
export async function listPending(paths: HomePaths): Promise<PendingScan> {
  const scan: PendingScan = { pending: [], problems: [] };
  for (const slug of await entries(paths.queue, "dir")) {
    if (!SLUG_PATTERN.test(slug)) continue;
    const dir = paths.queueDir(slug);
    let names: Set<string>;
    try {
      names = new Set(await entries(dir, "file"));
    } catch (err) {
      // One unreadable queue (its sidecar can chmod it) must not hide every other bottle's.
      scan.problems.push(`${dir}: ${messageOf(err)}`);
      continue;
    }
    for (const name of names) {
      if (!name.endsWith(PROPOSAL_SUFFIX)) continue;
      const id = name.slice(0, -PROPOSAL_SUFFIX.length);
      if (names.has(`${id}.response.json`)) continue;
      const read = await readProposal(join(dir, name), { slug, id });
      if (typeof read === "string") scan.problems.push(read);
      else if (read !== undefined) scan.pending.push({ proposal: read, queueDir: dir });
    }
  }
  scan.pending.sort((a, b) =>
    a.proposal.arrival_timestamp.localeCompare(b.proposal.arrival_timestamp) ||
    a.proposal.id.localeCompare(b.proposal.id)
  );
  return scan;
}

/**
 * Find one pending proposal by id.
 *
 * @param paths The bot-bottle home.
 * @param id The proposal id (a unique prefix of at least 4 characters is accepted too).
 * @returns The proposal.
 * @throws {NotFoundError} When no pending proposal has that id, listing the pending ids.
 */
export async function findPending(paths: HomePaths, id: string): Promise<PendingProposal> {
  const { pending } = await listPending(paths);
  // Every id equal to or starting with what was typed: a planted proposal whose whole id is
  // another one's short form must make the choice ambiguous, never win it.
  const matches = pending.filter((p) =>
    p.proposal.id === id || (id.length >= 4 && p.proposal.id.startsWith(id))
  );
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  const ids = pending.map((p) => p.proposal.id);
  if (matches.length > 1) {
    throw new NotFoundError(
      `Proposal "${id}" is ambiguous (matches ${
        matches.map((p) => `${p.proposal.id} of ${p.proposal.bottle_slug}`).join(", ")
      }); give the whole id`,
    );
  }
  throw new NotFoundError(
    `No pending proposal "${id}" (${
      ids.length === 0 ? "nothing is pending" : `pending: ${ids.join(", ")}`
    })`,
  );
}

async function entries(dir: string, kind: "dir" | "file"): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      // readDir reports a symlink as isSymlink, never as its target's type: a linked queue
      // directory is skipped; anything else that is not a directory is a file to look at, and
      // the read refuses what is not a regular file.
      if (kind === "dir" ? entry.isDirectory : !entry.isDirectory) names.push(entry.name);
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return names.sort();
}

async function readProposal(
  path: string,
  expected: { slug: string; id: string },
): Promise<Proposal | string | undefined> {
  let text: string | undefined;
  try {
    text = await readQueueFile(path, "proposal");
  } catch (err) {
    return messageOf(err);
  }
  // Gone since the directory was listed: answered and archived meanwhile.
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return `${path}: not readable JSON (${messageOf(err)})`;
  }
  const parsed = proposalSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `${path}: not a proposal (${issue?.path.join(".") || "top level"}: ${issue?.message})`;
  }
  if (parsed.data.bottle_slug !== expected.slug) {
    return `${path}: names bottle "${parsed.data.bottle_slug}" but sits in the queue of "${expected.slug}"`;
  }
  if (parsed.data.id !== expected.id) {
    return `${path}: its id "${parsed.data.id}" does not match its file name`;
  }
  return parsed.data;
}
