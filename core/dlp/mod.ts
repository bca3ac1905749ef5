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
 * - `url_entropy` (block, URLs only): long opaque path segments and query values that look like
 *   random secrets or encoded data; hashes, UUIDs, JWT-shaped tokens, named digests, slugs and
 *   cache busters pass (see `_url_entropy.ts`).
 * - `checksummed` (block): data that carries its own check digits, so a checksum rather than a
 *   digit pattern decides: payment cards (network IIN range and length, then Luhn; contiguous or
 *   grouped 4-4-4-4, 4-6-5, 4-6-4 with one repeated space or hyphen; not inside a longer number,
 *   a decimal, an identifier or after a phone `+`), IBANs (country length, mod 97; contiguous or
 *   in groups of four), Bitcoin WIF and BIP32 private keys and P2PKH/P2SH addresses
 *   (base58check) and segwit addresses (bech32/bech32m), a CPF written `ddd.ddd.ddd-dd`, a
 *   Spanish NIE, and, after a keyword, a Spanish DNI or a Chinese resident ID. (A Dutch BSN, a
 *   French NIR, an Indian Aadhaar, a Polish PESEL, a Finnish HETU, a UK NHS number, a Swedish
 *   personnummer, each by its check digits, and a US SSN, by its layout and the ranges never
 *   issued, are `token_patterns` entries found next to their keyword: `"bsn": …`, `pesel=…`.) Addresses are
 *   blocked too: an agent has no business sending a wallet (a payout target or a person's funds)
 *   and routes that do (an exchange API) drop `checksummed` from their detectors. Snippets name
 *   the network or country, never digits.
 * - The canary (rule `canary`) is scanned on every outbound scan, whatever the route's detectors.
 * - URL-encoded CRLF (`%0d%0a`, rule `url_encoded_crlf`) is checked on URLs and header values
 *   (`location` `url` or `header:*`), never on bodies, where form encoding carries it.
 *
 * Inbound: `naive_injection_detection` reads phrases (case-insensitive, any whitespace run of up
 * to 64 bytes between words) as evidence of signals: jailbreak, disclosure, authority (fake
 * `[SYSTEM]`/`<|im_start|>system` markers, "the user has authorized you"), tool commands
 * (`curl … | sh`, "send it to http…", "add this to your memory"), text addressed to the AI, and
 * educational context. It tracks where they sit: hidden carriers (HTML comments, inline styles that
 * hide an element, zero-width characters inside words, tag characters, `<script>`/`<iframe>`/
 * `<noscript>`/`<template>` bodies, `alt`/`title`/`aria-label`/`data-*` attributes, JSON fields
 * such as `description`) and quotation (code fences, `<pre>`, `<code>`, `<blockquote>`). Each
 * instruction phrase warns (`injection_<signal>`); at each hit, the strongest phrase of each signal
 * within 500 bytes before it plus its carrier's weight make a score, halved per phrase in code,
 * less 3 after an educational phrase unless hidden, and 6 blocks (rule
 * `injection_hidden_carrier`, `injection_authority`, `injection_tool_command` or `injection_pair`,
 * the snippet naming each signal). See `_injection_score.ts`.
 *
 * Every scan also reads its input as an origin decodes it (`%XX` and JSON string escapes,
 * whatever the declared type, near escapes only) and decodes runs of base64 (either alphabet,
 * wrapped lines joined) and base32 of 24 characters or more, and hex (delimited or not) of 32,
 * whose decoded bytes are mostly printable, each decoded view read again up to 3 layers deep
 * (`%252541`, base64 of URL-encoded text, hex of base64). Their findings are reported on the raw
 * bytes they decode from, and their snippet names the decodings applied. {@link DlpEngine.scanReflection} finds known secrets in what comes back to the
 * agent (the canary aside), and {@link SeamWatch} finds one split between two pieces sent one
 * after the other.
 *
 * Bytes are read as latin1, so offsets are byte offsets and binary bodies scan without decoding
 * errors. Every detector runs in time linear in its input: literal prefilters, bounded
 * quantifiers, DFAs. Streams keep a tail no longer than the longest match window: about 9 × the
 * longest form of a known secret (its letters and digits plus 8 separators between each), 1.4 KiB
 * for phrases, 512 bytes for entropy runs, at most 4 KiB for URL values, 448 bytes for
 * checksummed values, and, only while a token at the chunk end is still undecided, that rule's
 * maximum length (18 KiB for a JWT, 16.5 KiB for a private key block, at most 4 KiB for the
 * others); the decoded views keep up to 20 KiB of context for an escape that may still come.
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
export { SeamEnds, SeamWatch } from "./_seam.ts";
export {
  defaultDetectors,
  type InboundDetector,
  type ListableDetector,
  listableDetectors,
  type OutboundDetector,
} from "./_registry.ts";
export type { Detector, DetectorInput, DetectorScan, Direction } from "./_detector.ts";
export type { DlpOptions, Finding, FindingDetector, StreamScanner } from "./_types.ts";
