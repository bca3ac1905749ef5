/**
 * The corpus through the DLP engine alone, for quick iteration on detectors: what the proxy scans
 * (URL, each header value, the body; a response body with its SSE events joined and the known
 * secrets reflected back), with the default detectors, a case blocked when a finding blocks. It
 * leaves out what only the proxy does (routing, stripping, per-event SSE scanning, decompression:
 * bodies here are scanned before compression is applied), so the proxy run is the one to quote.
 */
import { Buffer } from "node:buffer";
import { defaultDetectors, DlpEngine, type Finding } from "../../core/dlp/mod.ts";
import {
  bodyBytes,
  type CorpusCase,
  PROVISIONED_CANARY,
  PROVISIONED_SECRETS,
  ROUTED_HOSTS,
} from "../dlp_corpus/mod.ts";
import type { Outcome } from "./_corpus_client.ts";

/** Scans cases with one engine built for the bench's provisioned secrets. */
export class EngineJudge {
  readonly #dlp = new DlpEngine({
    knownSecrets: PROVISIONED_SECRETS,
    canary: PROVISIONED_CANARY,
  });
  readonly #outbound = defaultDetectors("outbound");
  readonly #inbound = defaultDetectors("inbound");

  /**
   * Judge one case.
   *
   * @param c The case.
   * @returns `refused` (with the first blocking rule) or `passed`.
   */
  judge(c: CorpusCase): Outcome {
    if (!(ROUTED_HOSTS as readonly string[]).includes(c.host)) {
      return { kind: "refused", detail: "host_not_routed" };
    }
    const findings: Finding[] = [];
    const detectors = this.#outbound;
    findings.push(...this.#dlp.scanUrl(c.request.target, { detectors }));
    for (const [name, value] of c.request.headers) {
      findings.push(...this.#dlp.scanOutbound(value, { detectors, location: `header:${name}` }));
    }
    findings.push(
      ...this.#dlp.scanOutbound(latin1(bodyBytes(c.request)), { detectors, location: "body" }),
    );
    if (c.response !== undefined) {
      const text = c.response.events?.map((e) => `${e}\n\n`).join("") ??
        latin1(bodyBytes(c.response));
      findings.push(...this.#dlp.scanInbound(text, { detectors: this.#inbound, location: "body" }));
      findings.push(...this.#dlp.scanReflection(text, { location: "body" }));
    }
    const block = findings.find((f) => f.severity === "block");
    return block === undefined
      ? { kind: "passed", detail: "" }
      : { kind: "refused", detail: `${block.detector}/${block.rule}` };
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("latin1");
}
