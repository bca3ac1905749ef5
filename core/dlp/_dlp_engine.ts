import { ConfigError } from "../errors/mod.ts";
import { checksCrlf, crlfFindings } from "./_crlf.ts";
import { EntropyPass } from "./_entropy_scanner.ts";
import { InjectionMatcher, InjectionPass } from "./_injection_scanner.ts";
import { redactFindings } from "./_redact.ts";
import { secretPatterns } from "./_secret_patterns.ts";
import { SecretMatcher, SecretPass } from "./_secret_scanner.ts";
import { PassStream, sortFindings } from "./_stream.ts";
import { TokenMatcher, TokenPass } from "./_token_scanner.ts";
import type {
  DlpOptions,
  Finding,
  InboundScanOptions,
  OutboundDetector,
  OutboundScanOptions,
  StreamScanner,
} from "./_types.ts";
import { type ScanPass, ScanWindow } from "./_window.ts";

const OUTBOUND: readonly string[] = Object.freeze(["token_patterns", "known_secrets", "entropy"]);
const INBOUND: readonly string[] = Object.freeze(["naive_injection_detection"]);
const LOG_DETECTORS: readonly OutboundDetector[] = Object.freeze([
  "token_patterns",
  "known_secrets",
]);

/** One bottle's DLP: compiled once, then used for every scan of every route. */
export class DlpEngine {
  readonly #tokens = new TokenMatcher();
  readonly #injection = new InjectionMatcher();
  readonly #secrets: SecretMatcher | undefined;
  readonly #hasCanary: boolean;
  readonly #ignored: number;

  /**
   * Compile the detectors for a bottle.
   *
   * @param options The provisioned secrets and the canary; values with fewer than 8 letters and
   *   digits are ignored (see {@link DlpEngine.ignoredSecrets}).
   */
  constructor(options: DlpOptions) {
    const set = secretPatterns(options.knownSecrets, options.canary);
    this.#secrets = set.patterns.length > 0 ? new SecretMatcher(set) : undefined;
    this.#hasCanary = set.patterns.some((p) => p.owner === -1);
    const owners = new Set(set.patterns.map((p) => p.owner));
    this.#ignored = options.knownSecrets.filter((_, i) => !owners.has(i)).length;
  }

  /** How many known secrets were too short to scan for (or duplicates of the canary). */
  get ignoredSecrets(): number {
    return this.#ignored;
  }

  /**
   * Scan outbound text (a URL, one header value, a whole body). The canary is always scanned; URL
   * and `header:*` locations are also checked for URL-encoded CRLF.
   *
   * @throws {ConfigError} On an unknown detector name.
   */
  scanOutbound(text: string, options: OutboundScanOptions): Finding[] {
    const out = this.#scanText(text, this.#outboundPasses(options));
    if (checksCrlf(options.location)) crlfFindings(text, options.location, out);
    return sortFindings(out);
  }

  /**
   * Scan inbound text (a response body or one SSE event).
   *
   * @throws {ConfigError} On an unknown detector name.
   */
  scanInbound(text: string, options: InboundScanOptions): Finding[] {
    return sortFindings(this.#scanText(text, this.#inboundPasses(options)));
  }

  /** Scan a request URL: the outbound detectors, the canary, and URL-encoded CRLF. */
  scanUrl(url: string, options: { detectors: readonly OutboundDetector[] }): Finding[] {
    return this.scanOutbound(url, { detectors: options.detectors, location: "url" });
  }

  /**
   * Replace each finding's span of `text` with `[REDACTED:<rule>]`.
   *
   * @throws {RangeError} When a finding's offsets do not lie inside `text`.
   */
  redact(text: string, findings: readonly Finding[]): string {
    return redactFindings(text, findings);
  }

  /** A streaming outbound scanner (offsets are absolute in the stream). */
  outboundStream(options: OutboundScanOptions): StreamScanner {
    return new PassStream(this.#outboundPasses(options));
  }

  /** A streaming inbound scanner (offsets are absolute in the stream). */
  inboundStream(options: InboundScanOptions): StreamScanner {
    return new PassStream(this.#inboundPasses(options));
  }

  /** Scrub every known secret, the canary and every token pattern from a log line. */
  redactSecrets(line: string): string {
    return redactFindings(
      line,
      this.scanOutbound(line, { detectors: LOG_DETECTORS, location: "log" }),
    );
  }

  #scanText(text: string, passes: readonly ScanPass[]): Finding[] {
    if (passes.length === 0) return [];
    const win = ScanWindow.ofText(text);
    const out: Finding[] = [];
    for (const pass of passes) pass.scan(win, out);
    return out;
  }

  #outboundPasses({ detectors, location }: OutboundScanOptions): ScanPass[] {
    checkNames(detectors, OUTBOUND, "outbound");
    const passes: ScanPass[] = [];
    if (detectors.includes("token_patterns")) passes.push(new TokenPass(this.#tokens, location));
    const allSecrets = detectors.includes("known_secrets");
    if (this.#secrets !== undefined && (allSecrets || this.#hasCanary)) {
      passes.push(new SecretPass(this.#secrets, allSecrets, location));
    }
    if (detectors.includes("entropy")) passes.push(new EntropyPass(location));
    return passes;
  }

  #inboundPasses({ detectors, location }: InboundScanOptions): ScanPass[] {
    checkNames(detectors, INBOUND, "inbound");
    return detectors.includes("naive_injection_detection")
      ? [new InjectionPass(this.#injection, location)]
      : [];
  }
}

function checkNames(detectors: readonly string[], known: readonly string[], kind: string): void {
  for (const name of detectors) {
    if (!known.includes(name)) {
      throw new ConfigError(
        `Cannot scan: unknown ${kind} detector "${name}" (expected one of ${known.join(", ")})`,
      );
    }
  }
}
