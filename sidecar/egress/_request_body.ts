/**
 * Outbound DLP on a request body, streamed: every chunk is scanned before any of it is released,
 * and only bytes before the scanner's `settled` offset leave.
 *
 * Form bodies are also scanned percent-decoded, the way the origin will read them. Decoded
 * offsets do not map back onto the raw bytes, so a form body is scanned whole before any of it
 * is released (it may be at most {@link MAX_FORM_BYTES}), and a secret found only in its decoded
 * form cannot be redacted in place: `redact` routes refuse it.
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
import { PercentDecoder } from "./_percent.ts";

/** Largest form-encoded body the proxy accepts (it is held whole while it is scanned). */
export const MAX_FORM_BYTES = 1024 * 1024;

interface DecodedScan {
  decoder: PercentDecoder;
  scanner: StreamScanner;
  held: HeldBytes;
}

/** The scanning state of one request body. */
export class OutboundBody {
  #ctx: OutboundContext;
  #host: string;
  #scanner: StreamScanner;
  #held = new HeldBytes();
  #total = 0;
  #decoded: DecodedScan | undefined;
  /** Values the raw scan found, so the decoded scan does not report the same secret twice. */
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
        held: new HeldBytes(),
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
    this.#total += chunk.length;
    this.#held.push(chunk);
    const raw = await this.#judgeRaw(this.#scanner.push(chunk));
    if (raw !== undefined || this.#decoded === undefined) return raw;
    if (this.#total > MAX_FORM_BYTES) {
      return {
        action: "deny",
        rule: "body_too_large",
        status: 413,
        reason:
          `form bodies over ${MAX_FORM_BYTES} bytes cannot be scanned; send the data as a file upload or JSON`,
      };
    }
    return await this.#scanDecoded(this.#decoded.decoder.push(chunk));
  }

  /**
   * Finish scanning at the end of the body.
   *
   * @returns A deny when the tail carries a secret that may not pass.
   */
  async finish(): Promise<DenyDecision | undefined> {
    const raw = await this.#judgeRaw(this.#scanner.end());
    if (raw !== undefined || this.#decoded === undefined) return raw;
    const tail = await this.#scanDecoded(this.#decoded.decoder.end());
    return tail ?? await this.#judgeDecoded(this.#decoded.scanner.end());
  }

  /** Bytes every scanner has vouched for (none of a form body before its end). */
  release(): Buffer[] {
    return this.#decoded === undefined ? this.#held.releaseUpTo(this.#scanner.settled) : [];
  }

  /** Everything left, after `finish()`. */
  drain(): Buffer[] {
    return this.#held.drain();
  }

  async #judgeRaw(findings: Finding[]): Promise<DenyDecision | undefined> {
    const found = findings.map((finding) => ({
      finding,
      value: this.#held.text(finding.start, finding.end) ?? "",
    }));
    for (const { value } of found) if (value !== "") this.#seen.add(value);
    const kept = found.filter(({ finding, value }) => keep(this.#ctx, finding, value));
    if (kept.length === 0) return undefined;
    const verdict = await judgeBodyFindings(this.#ctx, this.#host, kept);
    if (verdict === "allow") return undefined;
    if (verdict !== "redact") return verdict;
    for (const { finding } of kept) {
      if (!this.#held.overwrite(finding.start, finding.end, REDACT_FILL)) {
        return this.#unredactable();
      }
    }
    return undefined;
  }

  async #scanDecoded(bytes: Uint8Array): Promise<DenyDecision | undefined> {
    this.#decoded!.held.push(bytes);
    return await this.#judgeDecoded(this.#decoded!.scanner.push(bytes));
  }

  async #judgeDecoded(findings: Finding[]): Promise<DenyDecision | undefined> {
    const held = this.#decoded!.held;
    const kept = findings
      .map((finding) => ({ finding, value: held.text(finding.start, finding.end) ?? "" }))
      .filter(({ finding, value }) => !this.#seen.has(value) && keep(this.#ctx, finding, value));
    if (kept.length === 0) return undefined;
    const verdict = await judgeBodyFindings(this.#ctx, this.#host, kept);
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
