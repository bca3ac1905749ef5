import { ConfigError } from "../errors/mod.ts";
import { Buffers } from "./_buffers.ts";
import type { Detector, Direction } from "./_detector.ts";
import type { SecretTables } from "./_detector_known_secrets.ts";
import { redactFindings } from "./_redact.ts";
import {
  defaultDetectors,
  DETECTORS,
  detectorsOf,
  type InboundDetector,
  listableDetectors,
  type OutboundDetector,
} from "./_registry.ts";
import { DecodingStream, scanDecodedOnce } from "./_decoding_stream.ts";
import { KNOWN_SECRETS } from "./_detector_known_secrets.ts";
import { sortFindings } from "./_stream.ts";
import type { DlpOptions, Finding, StreamScanner } from "./_types.ts";
import { leading, type ScanPass, ScanWindow } from "./_window.ts";

/** Locations whose pass builders are kept per detector list. */
const CACHED_LOCATIONS = 16;

/** Options of an outbound scan. */
export interface OutboundScanOptions {
  /** Detectors switched on for the route; the canary and CRLF are scanned regardless. */
  detectors: readonly OutboundDetector[];
  /** Copied into every finding. `url` and `header:*` locations are also checked for CRLF. */
  location: string;
}

/** Options of an inbound scan. */
export interface InboundScanOptions {
  /** Detectors switched on for the route. */
  detectors: readonly InboundDetector[];
  /** Copied into every finding. */
  location: string;
  /**
   * Streams and {@link DlpEngine.scanResponse} only: also report the bottle's known secrets
   * coming back, as {@link DlpEngine.reflectionStream} does (their findings' detector is
   * `known_secrets`).
   */
  echoes?: boolean;
}

/** One bottle's DLP: compiled once, then used for every scan of every route. */
export class DlpEngine {
  readonly #compiled = new Map<string, unknown>();
  /** Window and context buffers its streams lend each other, one stream after another. */
  readonly #buffers = new Buffers();
  /** Per direction, the names a route may list and the registered detectors (asked per scan). */
  readonly #registry = {
    outbound: { known: listableDetectors("outbound"), detectors: detectorsOf("outbound") },
    inbound: { known: listableDetectors("inbound"), detectors: detectorsOf("inbound") },
  };
  /**
   * Pass builders for frozen detector lists (the defaults, asked for at every body), per
   * direction and location: checking the list and picking its detectors was per stream.
   */
  readonly #builders = {
    outbound: new WeakMap<readonly string[], Map<string, () => ScanPass[]>>(),
    inbound: new WeakMap<readonly string[], Map<string, () => ScanPass[]>>(),
  };
  readonly #ignored: number;
  readonly #scanned: number;
  readonly #seamBytes: number;

  /**
   * Compile the registered detectors for a bottle.
   *
   * @param options The provisioned secrets and the canary; values with fewer than 8 letters and
   *   digits are ignored (see {@link DlpEngine.ignoredSecrets}).
   */
  constructor(options: DlpOptions) {
    for (const detector of DETECTORS as readonly Detector[]) {
      this.#compiled.set(detector.name, detector.compile(options));
    }
    const secrets = this.#compiled.get(KNOWN_SECRETS.name) as SecretTables;
    this.#ignored = secrets.ignored;
    this.#scanned = secrets.scanned;
    this.#seamBytes = secrets.matcher?.span ?? 0;
  }

  /**
   * The most bytes one match of a known secret (or the canary) can span: how much of one piece
   * a `SeamWatch` keeps to find a secret split across two. 0 when there is none.
   */
  get seamBytes(): number {
    return this.#seamBytes;
  }

  /** Whether any known secret (the canary aside) is scanned for: responses need scanning. */
  get protectsSecrets(): boolean {
    return this.#scanned > 0;
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
    return this.#scanText(text, this.#passes("outbound", options.detectors, options.location));
  }

  /**
   * Scan inbound text (a response body or one SSE event).
   *
   * @throws {ConfigError} On an unknown detector name.
   */
  scanInbound(text: string, options: InboundScanOptions): Finding[] {
    return this.#scanText(text, this.#passes("inbound", options.detectors, options.location));
  }

  /**
   * Scan text coming back to the agent (a response header or body) for the bottle's known
   * secrets in every form, so an origin that echoes an injected credential cannot hand it over.
   * The canary is not reported: the agent holds it already.
   */
  scanReflection(text: string, options: { location: string }): Finding[] {
    return withoutCanary(this.#scanText(text, this.#reflectionPasses(options.location)));
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
    return new DecodingStream(this.#passes("outbound", options.detectors, options.location), {
      buffers: this.#buffers,
    });
  }

  /** A streaming inbound scanner (offsets are absolute in the stream). */
  inboundStream(options: InboundScanOptions): StreamScanner {
    const passes = this.#responsePasses(options);
    const stream = new DecodingStream(passes, {
      longestMatch: this.#seamBytes,
      buffers: this.#buffers,
    });
    return options.echoes === true ? new CanaryLess(stream) : stream;
  }

  /**
   * Scan a whole response body at once: what {@link DlpEngine.inboundStream} finds in it pushed
   * as one chunk, for a body up to the decoded views' context (20 KiB; past it a stream of a
   * bottle with very long secrets keeps more), without a stream to set up (most responses a
   * proxy forwards are short).
   *
   * @throws {ConfigError} On an unknown detector name.
   */
  scanResponse(body: Uint8Array, options: InboundScanOptions): Finding[] {
    const found = this.#scanOnce(body.length, (into) => {
      into.set(body);
      return new ScanWindow(0, into, true);
    }, this.#responsePasses(options));
    return options.echoes === true ? withoutCanary(found) : found;
  }

  /** The passes of a response scan: the inbound detectors, and the known secrets if echoes. */
  #responsePasses(options: InboundScanOptions): () => ScanPass[] {
    const inbound = this.#passes("inbound", options.detectors, options.location);
    if (options.echoes !== true) return inbound;
    // Why one set for both: each decoding stream (and each one-shot scan's decoded views) keeps
    // its own escape context and undecided tail and decodes the input again; a response scanned
    // for injection and for echoed secrets needs them once. Each pass reports what it would alone.
    const echoes = this.#reflectionPasses(options.location);
    return () => [...inbound(), ...echoes()];
  }

  /** The streaming form of {@link DlpEngine.scanReflection}. */
  reflectionStream(options: { location: string }): StreamScanner {
    return new CanaryLess(
      new DecodingStream(this.#reflectionPasses(options.location), {
        longestMatch: this.#seamBytes,
        buffers: this.#buffers,
      }),
    );
  }

  /** Scrub every known secret, the canary and every token pattern from a log line. */
  redactSecrets(line: string): string {
    return redactFindings(
      line,
      this.scanOutbound(line, { detectors: defaultDetectors("outbound"), location: "log" }),
    );
  }

  #scanText(text: string, passes: () => ScanPass[]): Finding[] {
    return this.#scanOnce(text.length, (into) => ScanWindow.ofText(text, into), passes);
  }

  /**
   * One-shot scan of a whole input of `length` bytes, written by `fill` into a spare (the bytes
   * are read only during the scan; the proxy scans every request's head and most responses this
   * way, and a new typed array costs about a microsecond): raw, then as it decodes.
   */
  #scanOnce(
    length: number,
    fill: (into: Uint8Array) => ScanWindow,
    passes: () => ScanPass[],
  ): Finding[] {
    const raw = passes();
    if (raw.length === 0) return [];
    const store = this.#buffers.take(length);
    const win = fill(leading(store, length));
    const out: Finding[] = [];
    for (const pass of raw) pass.scan(win, out);
    out.push(...scanDecodedOnce(win.bytes, passes, out, this.#buffers));
    this.#buffers.give(store);
    return sortFindings(out);
  }

  #reflectionPasses(location: string): () => ScanPass[] {
    const tables = this.#compiled.get(KNOWN_SECRETS.name) as SecretTables;
    return () => {
      const pass = KNOWN_SECRETS.pass(tables, { location, enabled: true });
      return pass === undefined ? [] : [pass];
    };
  }

  /**
   * What builds the passes of one scan: the detectors are checked and picked once, then every
   * decoded stretch and run of the scan gets fresh passes from the same list.
   */
  #passes(direction: Direction, listed: readonly string[], location: string): () => ScanPass[] {
    // Only a frozen list can be cached by identity: one changed after its first scan would
    // otherwise be scanned with the detectors it named then.
    if (!Object.isFrozen(listed)) return this.#build(direction, listed, location);
    let byLocation = this.#builders[direction].get(listed);
    if (byLocation === undefined) {
      byLocation = new Map();
      this.#builders[direction].set(listed, byLocation);
    }
    let builder = byLocation.get(location);
    if (builder === undefined) {
      builder = this.#build(direction, listed, location);
      // Locations name headers too, which the agent chooses: only the first few are kept.
      if (byLocation.size < CACHED_LOCATIONS) byLocation.set(location, builder);
    }
    return builder;
  }

  #build(direction: Direction, listed: readonly string[], location: string): () => ScanPass[] {
    const { known, detectors } = this.#registry[direction] as {
      known: readonly string[];
      detectors: readonly Detector[];
    };
    const unknown = listed.find((name) => !known.includes(name));
    if (unknown !== undefined) {
      throw new ConfigError(
        `Cannot scan: unknown ${direction} detector "${unknown}" (expected one of ${
          known.join(", ")
        })`,
      );
    }
    const picked = detectors.map((detector) => ({
      detector,
      compiled: this.#compiled.get(detector.name),
      scan: { location, enabled: !detector.listable || listed.includes(detector.name) },
    }));
    return () => {
      const passes: ScanPass[] = [];
      for (const { detector, compiled, scan } of picked) {
        const pass = detector.pass(compiled, scan);
        if (pass !== undefined) passes.push(pass);
      }
      return passes;
    };
  }
}

/**
 * A stream that does not report the canary: the agent holds it already. A class, not an object
 * literal with closures and a getter: one is made for every response body.
 */
class CanaryLess implements StreamScanner {
  readonly #stream: StreamScanner;

  constructor(stream: StreamScanner) {
    this.#stream = stream;
  }

  push(chunk: Uint8Array): Finding[] {
    return withoutCanary(this.#stream.push(chunk));
  }

  end(): Finding[] {
    return withoutCanary(this.#stream.end());
  }

  get settled(): number {
    return this.#stream.settled;
  }
}

function withoutCanary(findings: Finding[]): Finding[] {
  // Almost every chunk finds nothing: no new array then.
  if (findings.length === 0) return findings;
  return findings.filter((finding) => finding.detector !== "canary");
}
