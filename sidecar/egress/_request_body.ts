/**
 * Outbound DLP on a request body, streamed: every chunk is scanned before any of it is released,
 * and only bytes before the scanner's `settled` offset leave. Form bodies are also scanned
 * percent-decoded, the way the origin will read them; a secret found only in that form cannot be
 * redacted in place, so `redact` routes refuse it.
 */
import type { Buffer } from "node:buffer";
import type { Finding, StreamScanner } from "../../src/dlp/mod.ts";
import type { DenyDecision } from "./policy/mod.ts";
import { HeldBytes } from "./_held_bytes.ts";
import {
  judgeBodyFindings,
  keep,
  type OutboundContext,
  outboundDetectors,
  REDACT_FILL,
} from "./_outbound.ts";
import { findingKey, PercentDecoder } from "./_percent.ts";

/** The scanning state of one request body. */
export class OutboundBody {
  #ctx: OutboundContext;
  #host: string;
  #scanner: StreamScanner;
  #held = new HeldBytes();
  #decoded: { decoder: PercentDecoder; scanner: StreamScanner } | undefined;
  /** Findings of the raw scan, so the decoded scan does not report the same secret twice. */
  #seen = new Set<string>();

  /**
   * @param ctx Engine, route and operator.
   * @param options The upstream host and whether the body is form-encoded.
   */
  constructor(ctx: OutboundContext, options: { host: string; formEncoded: boolean }) {
    const detectors = outboundDetectors(ctx.route);
    this.#ctx = ctx;
    this.#host = options.host;
    this.#scanner = ctx.engine.outboundStream({ detectors, location: "body" });
    this.#decoded = options.formEncoded
      ? {
        decoder: new PercentDecoder(true),
        scanner: ctx.engine.outboundStream({ detectors, location: "body (form-decoded)" }),
      }
      : undefined;
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
    const raw = await this.#judgeRaw(this.#scanner.push(chunk));
    if (raw !== undefined || this.#decoded === undefined) return raw;
    const decoded = this.#decoded.decoder.push(chunk);
    return await this.#judgeDecoded(this.#decoded.scanner.push(decoded));
  }

  /**
   * Finish scanning at the end of the body.
   *
   * @returns A deny when the tail carries a secret that may not pass.
   */
  async finish(): Promise<DenyDecision | undefined> {
    const raw = await this.#judgeRaw(this.#scanner.end());
    if (raw !== undefined || this.#decoded === undefined) return raw;
    const { decoder, scanner } = this.#decoded;
    const tail = await this.#judgeDecoded(scanner.push(decoder.end()));
    return tail ?? await this.#judgeDecoded(scanner.end());
  }

  /** Bytes the scanners have vouched for. */
  release(): Buffer[] {
    return this.#held.releaseUpTo(this.#scanner.settled);
  }

  /** Everything left, after `finish()`. */
  drain(): Buffer[] {
    return this.#held.drain();
  }

  async #judgeRaw(findings: Finding[]): Promise<DenyDecision | undefined> {
    for (const finding of findings) this.#seen.add(findingKey(finding));
    const found = findings
      .map((finding) => ({ finding, text: this.#held.text(finding.start, finding.end) }))
      .filter(({ finding, text }) => keep(this.#ctx, finding, text));
    if (found.length === 0) return undefined;
    const verdict = await judgeBodyFindings(
      this.#ctx,
      this.#host,
      found.map(({ finding, text }) => ({ finding, text: text ?? "" })),
    );
    if (verdict === "allow") return undefined;
    if (verdict !== "redact") return verdict;
    for (const { finding } of found) {
      if (!this.#held.overwrite(finding.start, finding.end, REDACT_FILL)) {
        return this.#unredactable();
      }
    }
    return undefined;
  }

  async #judgeDecoded(findings: Finding[]): Promise<DenyDecision | undefined> {
    const found = findings.filter((finding) =>
      !this.#seen.has(findingKey(finding)) && keep(this.#ctx, finding, undefined)
    );
    if (found.length === 0) return undefined;
    const verdict = await judgeBodyFindings(
      this.#ctx,
      this.#host,
      found.map((finding) => ({ finding, text: "" })),
    );
    if (verdict === "allow") return undefined;
    return verdict === "redact" ? this.#unredactable() : verdict;
  }

  #unredactable(): DenyDecision {
    return {
      action: "deny",
      rule: "dlp_outbound",
      status: 403,
      reason: `a secret in the body of a request to "${this.#host}" could not be redacted`,
    };
  }
}
