/**
 * Outbound DLP on a request body, streamed: every chunk is scanned before any of it is released,
 * and only bytes before the scanner's `settled` offset leave. The engine also scans the body as
 * the origin will decode it (`%XX`, JSON escapes), whatever its declared type, and reports those
 * findings on the raw bytes they decode from, so a redaction rewrites the escaped form. The
 * body's first bytes are also checked against the end of what the host was sent last (a secret
 * split across requests), and its last bytes remembered for the next.
 */
import { Buffer } from "node:buffer";
import { type Finding, SeamEnds, SeamWatch, type StreamScanner } from "../../core/dlp/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { HeldBytes } from "./_held_bytes.ts";
import {
  judgeBodyFindings,
  judgeSeam,
  keep,
  type OutboundContext,
  outboundDetectors,
  REDACT_FILL,
} from "./_outbound.ts";

/** The scanning state of one request body. */
export class OutboundBody {
  #ctx: OutboundContext;
  /** Made at the first chunk or the end: most requests have no body, and never need one. */
  #scanner: StreamScanner | undefined;
  #held = new HeldBytes();
  /** Seam state: the body's first and last bytes (made at the first chunk). */
  #ends: SeamEnds | undefined;
  #total = 0;
  #seamChecked = false;
  readonly #target: string;

  /**
   * @param ctx Engine, host, route and operator.
   * @param target The request's target, as sent.
   */
  constructor(ctx: OutboundContext, target: string) {
    this.#ctx = ctx;
    this.#target = target;
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
    return await this.#judge(this.#scan().push(chunk)) ?? await this.#seam(chunk, false);
  }

  /**
   * Finish scanning at the end of the body.
   *
   * @returns A deny when the tail carries a secret that may not pass.
   */
  async finish(): Promise<DenyDecision | undefined> {
    return await this.#judge(this.#scan().end()) ?? await this.#seam(new Uint8Array(0), true);
  }

  /** Bytes the scanner has vouched for (none before the seam with the last request is checked). */
  release(): Buffer[] {
    return this.#seamChecked ? this.#held.releaseUpTo(this.#scan().settled) : [];
  }

  /** Everything left, after `finish()`. */
  drain(): Buffer[] {
    return this.#held.drain();
  }

  /**
   * Check the body's first bytes against what the host was sent last, once enough arrived (or at
   * the end); at the end remember the body's last bytes for the next piece.
   */
  async #seam(chunk: Uint8Array, final: boolean): Promise<DenyDecision | undefined> {
    const n = this.#ctx.engine.seamBytes;
    if (n === 0 || (this.#total === 0 && chunk.length === 0)) {
      this.#seamChecked = true;
      return undefined;
    }
    this.#total += chunk.length;
    const ends = this.#ends ??= new SeamEnds(n);
    ends.add(chunk);
    if (!this.#seamChecked && (ends.head.length >= n || final)) {
      this.#seamChecked = true;
      // Against the host's last body, and against this request's own target.
      const own = new SeamWatch(this.#ctx.engine, "body, split from its url");
      own.remember(this.#target);
      return await judgeSeam(this.#ctx, [this.#ctx.seam.bodies, own], {
        head: ends.head,
        tail: final ? ends.tail : ends.head,
      });
    }
    if (final) this.#ctx.seam.bodies.remember(ends.tail);
    return undefined;
  }

  #scan(): StreamScanner {
    return this.#scanner ??= this.#ctx.engine.outboundStream({
      detectors: outboundDetectors(this.#ctx.route),
      location: "body",
    });
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
