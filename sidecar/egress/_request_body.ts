/**
 * Outbound DLP on a request body, streamed: every chunk is scanned before any of it is released,
 * and only bytes before the scanner's `settled` offset leave. The engine also scans the body as
 * the origin will decode it (`%XX`, JSON escapes), whatever its declared type, and reports those
 * findings on the raw bytes they decode from, so a redaction rewrites the escaped form.
 */
import type { Buffer } from "node:buffer";
import type { Finding, StreamScanner } from "../../core/dlp/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { HeldBytes } from "./_held_bytes.ts";
import {
  judgeBodyFindings,
  keep,
  type OutboundContext,
  outboundDetectors,
  REDACT_FILL,
} from "./_outbound.ts";

/** The scanning state of one request body. */
export class OutboundBody {
  #ctx: OutboundContext;
  #scanner: StreamScanner;
  #held = new HeldBytes();

  /** @param ctx Engine, host, route and operator. */
  constructor(ctx: OutboundContext) {
    this.#ctx = ctx;
    this.#scanner = ctx.engine.outboundStream({
      detectors: outboundDetectors(ctx.route),
      location: "body",
    });
  }

  /** Bytes scanned but not yet released. */
  get held(): number {
    return this.#held.length;
  }

  /**
   * Scan the next chunk.
   *
   * @param chunk Body bytes from the client.
   * @returns A deny when the chunk carries a secret that may not pass.
   */
  async push(chunk: Uint8Array): Promise<DenyDecision | undefined> {
    this.#held.push(chunk);
    return await this.#judge(this.#scanner.push(chunk));
  }

  /**
   * Finish scanning at the end of the body.
   *
   * @returns A deny when the tail carries a secret that may not pass.
   */
  async finish(): Promise<DenyDecision | undefined> {
    return await this.#judge(this.#scanner.end());
  }

  /** Bytes the scanner has vouched for. */
  release(): Buffer[] {
    return this.#held.releaseUpTo(this.#scanner.settled);
  }

  /** Everything left, after `finish()`. */
  drain(): Buffer[] {
    return this.#held.drain();
  }

  async #judge(findings: Finding[]): Promise<DenyDecision | undefined> {
    const kept = findings
      .map((finding) => ({ finding, value: this.#held.text(finding.start, finding.end) ?? "" }))
      .filter(({ finding, value }) => keep(this.#ctx, finding, value));
    if (kept.length === 0) return undefined;
    const verdict = await judgeBodyFindings(this.#ctx, this.#ctx.host, kept);
    if (verdict === "allow") return undefined;
    if (verdict !== "redact") return verdict;
    for (const { finding } of kept) {
      if (!this.#held.overwrite(finding.start, finding.end, REDACT_FILL)) {
        return {
          action: "deny",
          rule: "dlp_outbound",
          status: 403,
          reason: `a secret in the body of a request to "${this.#ctx.host}" could not be redacted`,
        };
      }
    }
    return undefined;
  }
}
