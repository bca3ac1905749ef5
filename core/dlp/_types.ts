/**
 * The labels findings carry: each registered detector's name, and `canary` (a `known_secrets`
 * finding of the bottle's canary). A new detector adds its label here and declares it in `emits`.
 */
export type FindingDetector =
  | "token_patterns"
  | "known_secrets"
  | "canary"
  | "entropy"
  | "url_entropy"
  | "checksummed"
  | "crlf"
  | "naive_injection_detection";

/** One match. `snippet` never contains the matched secret; offsets let `redact` rewrite it. */
export interface Finding {
  /** The detector that matched. */
  detector: FindingDetector;
  /** The rule inside the detector, e.g. `github_pat`, `known_secret_base64`, `canary`. */
  rule: string;
  /** `block` findings deny (or redact) the request; `warn` findings are only logged. */
  severity: "block" | "warn";
  /** Where the text came from, as given by the caller: `url`, `header:x-api-key`, `body`. */
  location: string;
  /** A redacted description of the match, safe to log and to show the agent. */
  snippet: string;
  /** Offset of the first matched byte in the scanned text or stream. */
  start: number;
  /** Offset one past the last matched byte. */
  end: number;
}

/** What the engine protects: the bottle's provisioned secrets and its canary. */
export interface DlpOptions {
  /** Real credential values; entries shorter than the minimum length are ignored. */
  knownSecrets: readonly string[];
  /** The bottle canary (`BOT_BOTTLE_CANARY`); scanned on every outbound scan. */
  canary?: string;
}

/** An incremental scanner over a byte stream (a body, an SSE stream, a git pack). */
export interface StreamScanner {
  /** Scan the next chunk; returns the findings that became certain, with absolute offsets. */
  push(chunk: Uint8Array): Finding[];
  /** Flush: returns the findings that were waiting for more input. */
  end(): Finding[];
  /** No finding reported later can start before this absolute offset. */
  readonly settled: number;
}
