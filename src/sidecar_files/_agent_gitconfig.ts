/**
 * The agent's system gitconfig (SPEC §6.2): the commit identity, and an `insteadOf` rewrite per
 * repo so every fetch and push of the upstream URL goes to the gate instead, with a post buffer
 * large enough that a push reaches the gate as one sized body. The manifest loader
 * already refused unsafe values; this renderer refuses them again, because one newline or quote
 * in a gitconfig value would let a manifest value add config keys of its own.
 */
import type { GateRepo } from "../../core/git_gate/mod.ts";
import { gateUrl } from "../../core/sidecar_contract/mod.ts";

/** Options of {@link renderAgentGitconfig}. */
export interface AgentGitconfigOptions {
  /** `user.name` and `user.email`, when set. */
  user: { name?: string; email?: string };
  /** The repos the gate serves. */
  repos: readonly Pick<GateRepo, "name" | "url" | "user" | "host" | "port" | "path">[];
}

/**
 * `http.postBuffer` for the gate's URLs, in bytes. Git sends a push smaller than this with a
 * Content-Length, in large writes; a larger one goes in small HTTP chunks, each a wait for the
 * gate's event loop: a 50 MB push uploaded in 2.9 s instead of 6–7.6 s. The agent's git holds
 * at most this much in memory for it.
 */
const POST_BUFFER_BYTES = 128 * 1024 * 1024;

/** Characters that would end a value or a section header early, or start a comment. */
const UNSAFE = /[\p{Cc}"\\#;]/u;

/**
 * Render the agent's gitconfig.
 *
 * @param options Identity and repos.
 * @returns The file text.
 * @throws {TypeError} When a value holds a newline, quote, backslash, `#` or `;`.
 */
export function renderAgentGitconfig(options: AgentGitconfigOptions): string {
  const lines = ["# Written by bot-bottle: git reaches the declared repos through the git gate."];
  const { name, email } = options.user;
  if (name !== undefined || email !== undefined) {
    lines.push("[user]");
    if (name !== undefined) lines.push(`\tname = ${safe("user.name", name)}`);
    if (email !== undefined) lines.push(`\temail = ${safe("user.email", email)}`);
  }
  for (const repo of options.repos) {
    const gate = safe("gate URL", gateUrl(repo.name));
    lines.push(`[http "${gate}"]`, `\tpostBuffer = ${POST_BUFFER_BYTES}`);
    lines.push(`[url "${gate}"]`);
    lines.push(`\tinsteadOf = ${safe("url", repo.url)}`);
    // The scp form (`git@host:path`) has no port, so it names the same repo only on port 22.
    if (repo.port === 22) {
      lines.push(`\tinsteadOf = ${safe("url", `${repo.user}@${repo.host}:${repo.path}`)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

function safe(what: string, value: string): string {
  if (UNSAFE.test(value) || value !== value.trim() || value === "") {
    throw new TypeError(
      `Cannot write the agent's gitconfig: ${what} must not be empty, start or end with spaces, ` +
        "or contain a newline, quote, backslash, # or ;",
    );
  }
  return value;
}
