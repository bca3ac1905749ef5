import type { DlpEngine } from "../../core/dlp/mod.ts";

/** A secret in a line or file path a push adds, or in a new commit's or tag's header or message. */
export interface PushFinding {
  /** The pushed ref whose new commits (or tags) include `commit`. */
  ref: string;
  /** Full id of the commit that adds the line, or of the tag object for a tag finding. */
  commit: string;
  /**
   * Path of the file in that commit, or `(path)` (a new file path is itself the finding),
   * `(commit message)`, `(commit header)`, `(tag message)`, `(tag header)`.
   */
  file: string;
  /**
   * 1-based line where the finding starts: in the new file, in the message, or for a header in
   * the raw object (`git cat-file`).
   */
  line: number;
  /** The DLP rule, e.g. `github_pat`, `private_key`, `canary`. */
  rule: string;
  /** The DLP detector: `token_patterns`, `known_secrets` or `canary`. */
  detector: string;
  /** The DLP engine's redacted snippet, never the secret. */
  snippet: string;
  /** Every line the finding spans contains `gitleaks:allow` (never for a `(path)` finding). */
  suppressed: boolean;
}

/** Where to scan and with what. */
export interface ScanPushOptions {
  /** The bare repo. */
  gitDir: string;
  /** Extra env for every git child (the hook's GIT_OBJECT_DIRECTORY, GIT_QUARANTINE_PATH, …). */
  env?: Record<string, string>;
  /** The bottle's DLP engine (known secrets and canary). */
  dlp: DlpEngine;
  /** Per git subprocess; on expiry it is killed and the scan throws. */
  timeoutMs: number;
  /** The git binary; default `git`. */
  git?: string;
}

/** The outcome of a push scan. */
export interface PushScan {
  /** Every block finding, suppressed or not, in scan order. */
  findings: PushFinding[];
  /** How many commits new to the gate were scanned. */
  commits: number;
  /** Bytes given to the DLP engine: new paths, added lines, headers and messages (with "\n"s). */
  bytes: number;
}
