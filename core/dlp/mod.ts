/**
 * The DLP engine (SPEC §6.1), shared by the egress proxy and the git gate, and its detector
 * registry. Each detector is one file (`_detector_<name>.ts`) that declares its name, direction,
 * whether routes may list it and whether it is on by default, and builds its pass; `_registry.ts`
 * lists them. The engine, the route schema ({@link listableDetectors}), egress and the git
 * scanner ({@link defaultDetectors}) all read that list.
 *
 * Outbound detectors:
 * - `token_patterns` (block): about 170 credential formats, one rule each with its examples
 *   (`_token_table_*.ts`): provider tokens by prefix (gitleaks' default set: forges, clouds, SaaS,
 *   AI providers), private key blocks, JWTs, passwords in URLs, and values next to a provider's
 *   label (`HEROKU_API_KEY=…`). Each finding names its rule.
 * - `known_secrets` (block): the bottle's provisioned secrets by their *secret part* (leading
 *   public segments such as `ghp_` or `bbcanary-` stripped while 16 letters and digits remain),
 *   raw, reversed, hex (any case), base64 (three alignments, standard and URL alphabets),
 *   URL-encoded (every byte, or reserved characters only) and separator-injected. A secret is
 *   compared by its letters and digits, case-folded: runs of up to 8 other bytes (any of
 *   `-._/: ,`, quotes, `%`, zero-width spaces…) may sit between its characters. Secrets with
 *   fewer than {@link MIN_SECRET_ALNUM} letters and digits are ignored, as they would match by
 *   chance.
 * - `entropy` (opt-in, warn): random-looking base64 runs of 20 to 512 characters.
 * - The canary (rule `canary`) is scanned on every outbound scan, whatever the route's detectors.
 * - URL-encoded CRLF (`%0d%0a`, rule `url_encoded_crlf`) is checked on URLs and header values
 *   (`location` `url` or `header:*`), never on bodies, where form encoding carries it.
 *
 * Inbound: `naive_injection_detection` warns on each disclosure or jailbreak phrase
 * (case-insensitive, any whitespace run of up to 64 bytes between words) and blocks when one of
 * each, not overlapping, start at most 500 bytes apart (rule `injection_pair`).
 *
 * Every scan also reads its input as an origin decodes it (`%XX` and JSON string escapes,
 * whatever the declared type), near escapes only, and reports those findings on the raw bytes
 * they decode from. {@link DlpEngine.scanReflection} finds known secrets in what comes back to the
 * agent (the canary aside), and {@link SeamWatch} finds one split between two pieces sent one
 * after the other.
 *
 * Bytes are read as latin1, so offsets are byte offsets and binary bodies scan without decoding
 * errors. Every detector runs in time linear in its input: literal prefilters, bounded
 * quantifiers, DFAs. Streams keep a tail no longer than the longest match window: about 9 × the
 * longest form of a known secret (its letters and digits plus 8 separators between each), 1.7 KiB
 * for phrases, 512 bytes for entropy runs, and, only while a token at the chunk end is still
 * undecided, that rule's maximum length (18 KiB for a JWT, 16.5 KiB for a private key block,
 * at most 4 KiB for the others); the decoded view keeps up to 20 KiB of context for an escape
 * that may still come.
 *
 * @module
 * @example
 * ```ts
 * import { DlpEngine } from "./mod.ts";
 * const dlp = new DlpEngine({ knownSecrets: ["s3cr3t-value-1234"], canary: "canary-0123456789" });
 * const body = `token=${btoa("s3cr3t-value-1234")}`;
 * const findings = dlp.scanOutbound(body, { detectors: ["known_secrets"], location: "body" });
 * console.assert(findings[0]?.rule === "known_secret_base64");
 * console.assert(!dlp.redact(body, findings).includes(btoa("s3cr3t-value-1234")));
 * ```
 */
export { DlpEngine, type InboundScanOptions, type OutboundScanOptions } from "./_dlp_engine.ts";
export { MIN_SECRET_ALNUM } from "./_secret_patterns.ts";
export { SeamWatch } from "./_seam.ts";
export {
  defaultDetectors,
  type InboundDetector,
  type ListableDetector,
  listableDetectors,
  type OutboundDetector,
} from "./_registry.ts";
export type { Detector, DetectorInput, DetectorScan, Direction } from "./_detector.ts";
export type { DlpOptions, Finding, FindingDetector, StreamScanner } from "./_types.ts";
