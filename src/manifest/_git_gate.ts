/**
 * `git-gate` (SPEC §3, §6.2): the identity the agent commits as and the upstream repos the gate
 * mirrors. These values end up in a gitconfig, in argv of ssh and git, in a known_hosts file and
 * in paths, so each is held to a strict shape rather than escaped later: no quotes, backticks,
 * `$`, `;`, backslashes or line breaks anywhere, and no spaces where a space could split a word.
 */
import { isIP } from "node:net";
import { Buffer } from "node:buffer";
import { z } from "zod";
import { HOST_KEY_TYPES, SAFE_NAME_PATTERN } from "../../core/git_gate/mod.ts";
import { hostProblem } from "../../core/routes/mod.ts";

const UNSAFE = /[\p{Cc}"'`$;\\]/u;
const UNSAFE_TEXT = "quotes, backticks, $, ;, backslashes or control characters";

function refine(problem: (value: string) => string | undefined) {
  return (value: string, ctx: z.core.$RefinementCtx<string>) => {
    const message = problem(value);
    if (message) ctx.addIssue({ code: "custom", message, input: value });
  };
}

/** `git-gate.user`: who the agent's commits are attributed to (claimed, not vouched). */
export const GitUserSchema = z.strictObject({
  name: z.string().superRefine(
    refine((v) =>
      v.trim() === ""
        ? "must not be empty"
        : v !== v.trim()
        ? "must not start or end with spaces"
        : UNSAFE.test(v) || /[<>#]/.test(v)
        ? `must not contain ${UNSAFE_TEXT}, <, > or #`
        : undefined
    ),
  ).optional().describe("git user.name"),
  email: z.string().regex(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$/, {
    error: "must be a plain address like dev@example.com",
  }).optional().describe("git user.email"),
}).refine((u) => u.name !== undefined || u.email !== undefined, {
  error: "must set name, email or both; remove it to inherit",
}).describe("Commit identity, overlaid per field");

/** A repo entry as one file declares it; required fields are checked after `extends`. */
export const RepoLayerSchema = z.strictObject({
  url: z.string().superRefine(refine((v) => parseSshUrl(v).problem)).optional().describe(
    "Upstream ssh://user@host[:port]/path",
  ),
  host_key: z.string().superRefine(refine((v) => parseHostKey(v).problem)).optional()
    .describe("Pinned known-hosts key of the upstream: [host] key-type base64"),
  key: z.strictObject({
    provider: z.literal("static").describe("static: a key file on the host"),
    path: z.string().min(1).superRefine(refine(keyPathProblem)).describe(
      "Path of the SSH private key on the host (relative to the bottle file, or ~/…)",
    ),
  }).optional().describe("The key the gate pushes and fetches with; the agent never sees it"),
  extra_hosts: z.record(
    z.string().superRefine(refine(hostProblem)),
    z.string().refine((ip) => isIP(ip) !== 0, { error: "must be an IP address" }),
  ).optional().describe("host → IP pins for the gate, like /etc/hosts"),
}).describe("One upstream repo the gate mirrors");

/** A repo layer as parsed. */
export type RepoLayer = z.infer<typeof RepoLayerSchema>;

/** `git-gate` as one bottle file declares it. */
export const GitGateLayerSchema = z.strictObject({
  user: GitUserSchema.optional().describe("Commit identity"),
  repos: z.record(
    z.string().regex(SAFE_NAME_PATTERN, {
      error: "repo names must be letters, digits, ., _ and -, starting with a letter, digit or _",
    }),
    RepoLayerSchema,
  ).optional().describe("Upstream repos by name; merged by name across extends"),
}).describe("The git gate");

/** The parts of an upstream URL. */
export interface SshUrl {
  /** SSH user. */
  user: string;
  /** Host name or IP address. */
  host: string;
  /** Port (22 when not written). */
  port: number;
  /** Path on the server. */
  path: string;
}

/**
 * Parse `ssh://user@host[:port]/path`.
 *
 * @param url The URL as written.
 * @returns The parts, or a problem message.
 */
export function parseSshUrl(url: string): { url?: SshUrl; problem?: string } {
  if (UNSAFE.test(url) || /\s/.test(url)) {
    return { problem: `must not contain spaces, ${UNSAFE_TEXT}` };
  }
  if (!url.startsWith("ssh://")) {
    return {
      problem: `must be an ssh:// URL like ssh://git@host/org/repo.git (got "${url}"; ` +
        "scp-style and https URLs are not accepted)",
    };
  }
  const m = /^ssh:\/\/([^@/]+)@([^/]+?)(?::(\d+))?(\/.*)$/.exec(url);
  if (!m) return { problem: "must look like ssh://user@host[:port]/path" };
  const [, user = "", hostPart = "", portText, path = ""] = m;
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(user)) {
    return { problem: `has an invalid user "${user}"` };
  }
  const host = hostPart.toLowerCase();
  if (isIP(host) === 0 && hostProblem(host) !== undefined) {
    return { problem: `has an invalid host "${hostPart}"` };
  }
  const port = portText === undefined ? 22 : Number(portText);
  if (port < 1 || port > 65535) return { problem: `has an invalid port ${portText}` };
  if (path === "/" || !/^\/[A-Za-z0-9._~+/-]+$/.test(path)) {
    return { problem: `has an invalid path "${path}" (letters, digits, . _ ~ + - and /)` };
  }
  return { url: { user, host, port, path: path.slice(1) } };
}

/**
 * Parse a pinned host key: `[host-patterns] key-type base64 [comment]`, keeping only
 * `key-type base64` (the gate writes its own host pattern from the URL).
 *
 * @param line The key as written.
 * @returns The normalized key, or a problem message.
 */
export function parseHostKey(line: string): { key?: string; problem?: string } {
  if (UNSAFE.test(line)) return { problem: `must not contain ${UNSAFE_TEXT}` };
  const words = line.trim().split(/ +/);
  const at = words.findIndex((w) => (HOST_KEY_TYPES as readonly string[]).includes(w));
  const type = words[at];
  const blob = words[at + 1];
  if (at < 0 || at > 1 || type === undefined || blob === undefined) {
    return {
      problem: `must be a known-hosts key: [host] key-type base64, with key-type one of ${
        HOST_KEY_TYPES.join(", ")
      }`,
    };
  }
  if (words.length > at + 3) return { problem: "has unexpected words after the key" };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || embeddedKeyType(blob) !== type) {
    return { problem: `has a key that is not valid base64 for ${type} (was it cut short?)` };
  }
  return { key: `${type} ${blob}` };
}

// The blob is SSH wire format: length-prefixed fields, the first naming the key type. A blob
// that does not split into whole fields was cut short when it was copied.
function embeddedKeyType(blob: string): string | undefined {
  const bytes = Buffer.from(blob, "base64");
  const fields: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) return undefined;
    const length = bytes.readUInt32BE(at);
    if (at + 4 + length > bytes.length) return undefined;
    fields.push(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  const type = fields[0]?.toString("latin1");
  if (fields.length < 2 || (type === "ssh-ed25519" && fields[1]?.length !== 32)) return undefined;
  return type;
}

function keyPathProblem(path: string): string | undefined {
  if (UNSAFE.test(path) || /\s/.test(path)) return `must not contain spaces, ${UNSAFE_TEXT}`;
  if (path.startsWith("-")) return "must not start with -";
  return undefined;
}
