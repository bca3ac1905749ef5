/**
 * The supervise queue's file protocol (SPEC §6.3): proposals, responses, the archive. Writes are
 * atomic (temp file in the same directory, then rename) because the queue directory itself is
 * the mount, never a single file.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../atomic_file/mod.ts";
import { readRegularFile } from "../regular_file/mod.ts";

/** The tools that create proposals. */
export const PROPOSAL_TOOLS = [
  "egress-allow",
  "capability-block",
  "gitleaks-allow",
  "egress-token-allow",
] as const;

/**
 * Text shown to the operator: no control characters but newline and tab, and no invisible
 * formatting characters. A carriage return or an escape sequence could make a terminal show the
 * operator something other than what is applied; so could a bidi override (U+202A–U+202E,
 * U+2066–U+2069) reordering a Dockerfile line, or a zero-width character hiding one.
 */
const displayableText = z.string().superRefine((text, ctx) => {
  const found = hiddenCharacter(text);
  if (found !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: `contains ${found} (only newline and tab are allowed, and no invisible ` +
        "formatting such as bidi overrides or zero-width characters)",
    });
  }
});

/** The first character of `text` a terminal would act on or not show, with its position. */
function hiddenCharacter(text: string): string | undefined {
  const match = HIDDEN.exec(text);
  if (match === null) return undefined;
  const before = text.slice(0, match.index);
  const line = before.split("\n").length;
  const column = match.index - before.lastIndexOf("\n");
  const code = match[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
  return `U+${code} at line ${line}, column ${column}`;
}
// deno-lint-ignore no-control-regex -- control characters are exactly what is refused
const HIDDEN = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|\p{Cf}/u;

/** A proposal waiting for the operator. */
export const proposalSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9-]{8,64}$/).describe("Unique id; also the file name stem"),
  bottle_slug: z.string().regex(/^[a-z0-9][a-z0-9-]*$/).describe("The bottle that asked"),
  tool: z.enum(PROPOSAL_TOOLS).describe("Which tool created the proposal"),
  proposed_file: displayableText.describe(
    "The full proposed file (routes YAML, Dockerfile, finding)",
  ),
  justification: displayableText.describe("Why the agent (or daemon) asks"),
  arrival_timestamp: z.string().describe("ISO-8601 time the proposal was written"),
  current_file_hash: z.string().describe("SHA-256 of the file the proposal replaces, or empty"),
}).strict();

/** A proposal file's content. */
export type Proposal = z.infer<typeof proposalSchema>;

/** The operator's answer. */
export const responseSchema = z.object({
  status: z.enum(["approved", "modified", "rejected"]).describe("The decision"),
  notes: z.string().default("").describe("Reason or comment shown to the agent"),
  final_file: z.string().optional().describe("The file as modified by the operator"),
}).strict();

/** A response file's content. */
export type ProposalResponse = z.infer<typeof responseSchema>;

/**
 * The most bytes a queue file (proposal or response) may hold. Proposals come from the supervise
 * server, whose request bodies are capped at 1 MiB; JSON escaping at most doubles that. A bigger
 * file was not written by bot-bottle and is refused unread.
 */
export const MAX_QUEUE_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Read a queue file (proposal or response), which the other side of the queue can replace with
 * anything: size-capped, never following a symlink, never blocking on a FIFO.
 *
 * @param path The file.
 * @param what What it is, for messages.
 * @returns Its text, or `undefined` when it does not exist.
 * @throws {Error} When it is a symlink, not a regular file, or over {@link MAX_QUEUE_FILE_BYTES}.
 */
export async function readQueueFile(path: string, what: string): Promise<string | undefined> {
  return await readRegularFile(path, { maxBytes: MAX_QUEUE_FILE_BYTES, what });
}

/** Name of the archive folder inside a queue directory. */
export const PROCESSED_DIR = "processed";

/**
 * Write a new proposal atomically with mode 0600.
 *
 * @param dir The bottle's queue directory (created 0700 if absent).
 * @param fields Everything but the id and arrival time, which this function assigns.
 * @returns The proposal as written.
 */
export async function writeProposal(
  dir: string,
  fields: Omit<Proposal, "id" | "arrival_timestamp">,
): Promise<Proposal> {
  const proposal = proposalSchema.parse({
    ...fields,
    id: randomUUID(),
    arrival_timestamp: new Date().toISOString(),
  });
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(
    join(dir, `${proposal.id}.proposal.json`),
    JSON.stringify(proposal, null, 2),
    {
      mode: 0o600,
    },
  );
  return proposal;
}

/**
 * Write the operator's response atomically with mode 0600 (host side).
 *
 * @param dir The bottle's queue directory.
 * @param id The proposal id.
 * @param response The decision.
 */
export async function writeResponse(
  dir: string,
  id: string,
  response: ProposalResponse,
): Promise<void> {
  const parsed = responseSchema.parse(response);
  await writeFileAtomic(join(dir, `${id}.response.json`), JSON.stringify(parsed, null, 2), {
    mode: 0o600,
  });
}

/**
 * Wait for the response to a proposal, archiving both files when it arrives.
 *
 * @param dir The bottle's queue directory.
 * @param id The proposal id.
 * @param options How long to wait and how often to look.
 * @returns The response, or `undefined` on timeout (the proposal stays queued).
 * @throws {SyntaxError} When the response file is not valid JSON of the response schema: a
 * malformed answer is never taken as an approval.
 * @throws {Error} When the response is a symlink, not a regular file, or over
 * {@link MAX_QUEUE_FILE_BYTES}.
 */
export async function awaitResponse(
  dir: string,
  id: string,
  options: { timeoutMs: number; pollMs?: number; signal?: AbortSignal },
): Promise<ProposalResponse | undefined> {
  const path = join(dir, `${id}.response.json`);
  const deadline = Date.now() + options.timeoutMs;
  const pollMs = options.pollMs ?? 100;
  while (true) {
    const text = await readQueueFile(path, "response");
    if (text !== undefined) {
      const response = parseResponse(text, path);
      await archive(dir, id);
      return response;
    }
    if (Date.now() >= deadline || options.signal?.aborted === true) return undefined;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, deadline - Date.now())));
  }
}

/**
 * Move a proposal and its response into `processed/`.
 *
 * @param dir The bottle's queue directory.
 * @param id The proposal id.
 */
export async function archive(dir: string, id: string): Promise<void> {
  const processed = join(dir, PROCESSED_DIR);
  await Deno.mkdir(processed, { recursive: true, mode: 0o700 });
  for (const suffix of ["proposal.json", "response.json"]) {
    const name = `${id}.${suffix}`;
    try {
      await Deno.rename(join(dir, name), join(processed, name));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
}

function parseResponse(text: string, path: string): ProposalResponse {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SyntaxError(`Cannot read response ${path}: not JSON`, { cause: err });
  }
  const result = responseSchema.safeParse(raw);
  if (!result.success) {
    throw new SyntaxError(`Cannot read response ${path}: ${result.error.issues[0]?.message}`, {
      cause: result.error,
    });
  }
  return result.data;
}
