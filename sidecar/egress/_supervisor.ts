/**
 * `outbound_on_match: supervise`: a held request becomes an `egress-token-allow` proposal in the
 * bottle's queue (SPEC §6.3) and waits for the operator. Timeout, rejection or a malformed answer
 * all refuse the request.
 */
import { stringify } from "yaml";
import type { Finding } from "../../core/dlp/mod.ts";
import { awaitResponse, writeProposal } from "../../core/queue/mod.ts";
import { messageOf } from "../../core/errors/mod.ts";

/** The operator's verdict on a held request. */
export interface Verdict {
  /** Only `approved` lets the request go on. */
  status: "approved" | "rejected" | "timeout" | "error";
  /** A short explanation for the agent. */
  detail: string;
}

/** Asks the operator about findings in a held request. */
export interface TokenAllowSupervisor {
  /** Queue a proposal and wait for the answer. */
  ask(request: { host: string; findings: readonly Finding[] }): Promise<Verdict>;
}

/** Options of {@link QueueSupervisor}. */
export interface QueueSupervisorOptions {
  /** The bottle's queue directory. */
  queueDir: string;
  /** The bottle's slug. */
  bottleSlug: string;
  /** How long to hold the request (`EGRESS_TOKEN_ALLOW_TIMEOUT_SECONDS`, default 300 s). */
  timeoutMs: number;
}

/** The file-queue implementation used by the sidecar and by `egress serve --queue-dir`. */
export class QueueSupervisor implements TokenAllowSupervisor {
  #options: QueueSupervisorOptions;

  /** @param options Where the queue is and how long to wait. */
  constructor(options: QueueSupervisorOptions) {
    this.#options = options;
  }

  /** Queue an `egress-token-allow` proposal (no secret in it) and wait for the operator. */
  async ask(request: { host: string; findings: readonly Finding[] }): Promise<Verdict> {
    try {
      const proposal = await writeProposal(this.#options.queueDir, {
        bottle_slug: this.#options.bottleSlug,
        tool: "egress-token-allow",
        proposed_file: stringify({
          host: request.host,
          findings: request.findings.map(({ detector, rule, location, snippet }) => ({
            detector,
            rule,
            location,
            snippet,
          })),
        }),
        justification: `outbound request to ${request.host} matched DLP; approve to let it through`,
        current_file_hash: "",
      });
      const response = await awaitResponse(this.#options.queueDir, proposal.id, {
        timeoutMs: this.#options.timeoutMs,
      });
      if (response === undefined) {
        return { status: "timeout", detail: `no answer within ${this.#options.timeoutMs / 1000}s` };
      }
      return response.status === "approved"
        ? { status: "approved", detail: response.notes }
        : { status: "rejected", detail: response.notes === "" ? "rejected" : response.notes };
    } catch (err) {
      return { status: "error", detail: messageOf(err) };
    }
  }
}
