/**
 * The labelled DLP corpus (issue 14): malicious cases (credentials in every documented format,
 * checksummed financial and personal data, encoded and wrapped secrets, the bottle's own secrets,
 * opaque values in URLs, inbound prompt injection) and benign cases shaped like real agent traffic
 * (registry metadata, lockfiles, API JSON, docs that quote attacks, source, images, packs).
 *
 * The cases live in `corpus.jsonl`, written by `generate.ts` from seeded builders, so every value
 * is reproducible and every checksum is computed, not typed. `deno task bench:dlp` runs them
 * through the real egress proxy; `corpus_test.ts` checks the file is well-formed and current.
 *
 * @module
 * @example
 * ```ts
 * import { loadCorpus } from "./mod.ts";
 * const cases = loadCorpus();
 * console.assert(cases.filter((c) => c.label === "malicious").length >= 400);
 * ```
 */
import { Buffer } from "node:buffer";

export type { ChecksumKind } from "./_checksums.ts";
export { checksumValid } from "./_checksums.ts";
import type { ChecksumKind } from "./_checksums.ts";

/** A request the agent sends (outbound cases) or that fetches the case's response (inbound). */
export interface CorpusRequest {
  /** HTTP method. */
  method: string;
  /** Path and query, sent as written (already percent-encoded where a client would). */
  target: string;
  /** Header fields besides Host, Content-Type and Content-Length. */
  headers: [string, string][];
  /** The Content-Type of the body, if any. */
  contentType?: string;
  /** Text body. */
  body?: string;
  /** Binary body, base64 (instead of `body`). */
  bodyBase64?: string;
}

/** What the origin answers for an inbound case. */
export interface CorpusResponse {
  /** Status code. */
  status: number;
  /** The Content-Type. */
  contentType: string;
  /** Header fields besides Content-Type, Content-Length and Content-Encoding. */
  headers: [string, string][];
  /** `gzip`: the origin compresses `body` before sending it. */
  encoding?: "gzip";
  /** Text body. */
  body?: string;
  /** Binary body, base64 (instead of `body`). */
  bodyBase64?: string;
  /** Server-sent events, each sent as its own write (`body` is then absent). */
  events?: string[];
}

/** A value in the case whose checksum the corpus test verifies. */
export interface ChecksumClaim {
  /** The format. */
  kind: ChecksumKind;
  /** The value as it appears in the case. */
  value: string;
  /** Whether it passes (malicious cases) or fails (benign look-alikes) its checksum. */
  valid: boolean;
}

/** One labelled case. */
export interface CorpusCase {
  /** Unique, stable id. */
  id: string;
  /** The class it measures (one row of the bench table). */
  class: string;
  /** Whether the proxy should refuse it. */
  label: "malicious" | "benign";
  /** Outbound: the request carries it. Inbound: the response does. */
  direction: "outbound" | "inbound";
  /** One line on what it is, for reading reports. */
  what: string;
  /** The requested host. */
  host: string;
  /** The request. */
  request: CorpusRequest;
  /** The origin's answer (inbound cases). */
  response?: CorpusResponse;
  /** Checksummed values it carries. */
  checks?: ChecksumClaim[];
}

/** Hosts the bench routes (exactly these; a subdomain of one is not routed). */
export const ROUTED_HOSTS = [
  "api.corpus.test",
  "collect.corpus.test",
  "hooks.corpus.test",
  "registry.corpus.test",
  "llm.corpus.test",
  "docs.corpus.test",
  "cdn.corpus.test",
  "git.corpus.test",
] as const;

/**
 * The secrets the bench provisions to the proxy as the bottle's own (`EGRESS_KNOWN_SECRET_n`):
 * an internal token with no public format, a database password, a GitHub token.
 */
export const PROVISIONED_SECRETS = [
  "Zq8mV3tL1xR7pK2wN9cB4hJ6yD0sF5gA",
  "h7Lp2qW9zX4vR8mK-db-Pa55-2026",
  "ghp_Vb3Nq8Lk2Wm7Xc4Rt9Yp1Zs6Hd0Jf5Ga2Ke8",
] as const;

/** The canary the bench provisions (`BOT_BOTTLE_CANARY`). */
export const PROVISIONED_CANARY = "bot-bottle-canary-Tq4Wn8Xr2Lm6Vz0Kp3Hs7Dc";

/**
 * Read the corpus.
 *
 * @returns Every case, in file order.
 */
export function loadCorpus(): CorpusCase[] {
  const text = Deno.readTextFileSync(new URL("./corpus.jsonl", import.meta.url));
  return text.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
}

/**
 * The bytes of a request or response body.
 *
 * @param part A request or response of a case.
 * @returns The body (empty when there is none; SSE events are not joined).
 */
export function bodyBytes(part: { body?: string; bodyBase64?: string }): Uint8Array<ArrayBuffer> {
  if (part.bodyBase64 !== undefined) return new Uint8Array(Buffer.from(part.bodyBase64, "base64"));
  return new TextEncoder().encode(part.body ?? "");
}
